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
	"syscall"
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
		r, err := OpenBounded(ctx, path, regular)
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
	data, err := io.ReadAll(io.LimitReader(cancellable{ctx: ctx, r: r}, MaxSize+1))
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

// ReadFileBounded reads a whole small file (a pattern, messages, a policy)
// within ctx: at most limit bytes whatever the file is, a directory
// refused, and a FIFO or terminal that nothing writes to giving up when ctx
// ends rather than hanging.
func ReadFileBounded(ctx context.Context, path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if info.Mode().IsRegular() && info.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%d bytes, more than the %d allowed", info.Size(), limit)}
	}
	f, err := OpenBounded(ctx, path, info.Mode().IsRegular())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("more than the %d bytes allowed", limit)}
	}
	return data, nil
}

// BoundedFile is a file read within a context: reads fail once the
// context ends, and a read that waits (a FIFO, a terminal) is woken.
type BoundedFile struct {
	cancellable
	f    *os.File
	stop func() bool
}

func (b *BoundedFile) Close() error {
	b.stop()
	return b.f.Close()
}

// OpenBounded opens a file for reading within ctx. A file that is not
// regular is opened without waiting for a writer (O_NONBLOCK), so that a
// FIFO nobody writes to reads as empty rather than hanging; when ctx ends
// the file is closed, which wakes a read that waits.
func OpenBounded(ctx context.Context, path string, regular bool) (*BoundedFile, error) {
	flags := os.O_RDONLY
	if !regular {
		flags |= syscall.O_NONBLOCK
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { f.Close() })
	return &BoundedFile{cancellable: cancellable{ctx: ctx, r: f}, f: f, stop: stop}, nil
}

// cancellable is a reader that stops when its context ends.
type cancellable struct {
	ctx context.Context
	r   io.Reader
}

func (c cancellable) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if err != nil && c.ctx.Err() != nil {
		return n, c.ctx.Err()
	}
	return n, err
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
