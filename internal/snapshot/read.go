package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/trailwatch/trailwatch/internal/fileio"
)

// Error is a snapshot that cannot be read. It names the file and, where
// there is one, the line and column and the JSON path of the value at
// fault (such as $.accounts[0].regions).
type Error struct {
	File string
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Path string // JSON path such as $.accounts[0].regions; empty when unknown
	Msg  string
	err  error // the I/O error or interruption behind Msg, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.err }

// MaxSize bounds what a snapshot may hold: an organization of ten thousand
// accounts takes a few hundred megabytes. Reading stops there, whatever
// the file is (a device that never ends, say).
const MaxSize = 1 << 30

// Read reads and validates a snapshot file.
func Read(path string) (*Snapshot, error) {
	return ReadContext(context.Background(), path)
}

// ReadContext reads and validates a snapshot file, giving up when ctx
// ends, even on a FIFO that nothing writes to. Reading is bounded by
// MaxSize whatever the file is.
func ReadContext(ctx context.Context, path string) (*Snapshot, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: path, Msg: "no such file"}
		}
		return nil, &Error{File: path, Msg: "cannot read: " + unwrapPathError(err)}
	}
	if info.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory; give the path of a snapshot file"}
	}
	if info.Mode().IsRegular() && info.Size() > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes, more than the %d a snapshot may have", info.Size(), MaxSize)}
	}
	var opened []io.Closer
	defer func() {
		for _, c := range opened {
			c.Close()
		}
	}()
	regular := info.Mode().IsRegular()
	open := func() (io.Reader, error) {
		r, err := fileio.Open(ctx, path, regular)
		if err != nil {
			return nil, &Error{File: path, Msg: "cannot read: " + unwrapPathError(err)}
		}
		opened = append(opened, r)
		return r, nil
	}
	if !regular {
		// A device or a FIFO gives its bytes once: keep what was read, to
		// read it again (and the rest) if need be.
		r, err := open()
		if err != nil {
			return nil, err
		}
		var kept bytes.Buffer
		tee := io.TeeReader(r, &kept)
		first := true
		open = func() (io.Reader, error) {
			if first {
				first = false
				return tee, nil
			}
			return io.MultiReader(bytes.NewReader(kept.Bytes()), r), nil
		}
	}
	return decode(path, open, MaxSize)
}

// ReadFrom reads a snapshot from a stream such as standard input, giving up
// when ctx ends; name is used in errors.
func ReadFrom(ctx context.Context, name string, r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(fileio.Reader(ctx, r), MaxSize+1))
	if err != nil {
		return nil, (&decoder{name: name}).syntax(err)
	}
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("more than the %d bytes a snapshot may have", MaxSize)}
	}
	return Decode(name, data)
}

// Decode parses and validates a snapshot held in memory; name is used in
// errors.
func Decode(name string, data []byte) (*Snapshot, error) {
	return decode(name, func() (io.Reader, error) { return bytes.NewReader(data), nil }, MaxSize)
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
