package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Error is a snapshot that cannot be read. It names the file and, where
// there is one, the line and column (for JSON that does not parse) or the
// JSON path (for JSON that is not a valid snapshot).
type Error struct {
	File string
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Path string // JSON path such as $.accounts[0].regions; empty when unknown
	Msg  string
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

// MaxSize bounds what Read accepts; a real snapshot of a large organization
// is a few megabytes.
const MaxSize = 256 << 20

// Read reads and validates a snapshot file.
func Read(path string) (*Snapshot, error) {
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
	if info.Size() > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes, more than the %d a snapshot may have", info.Size(), MaxSize)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + unwrapPathError(err)}
	}
	return Decode(path, data)
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Decode parses and validates a snapshot held in memory; name is used in
// errors.
func Decode(name string, data []byte) (*Snapshot, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty file; a snapshot is a JSON object written by trailwatch collect"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, syntaxError(name, data, err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, int(dec.InputOffset()))
		return nil, &Error{File: name, Line: line, Col: col, Msg: "unexpected data after the snapshot's closing }"}
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Path: "$", Msg: fmt.Sprintf("not a trailwatch snapshot: want a JSON object, found %s", describe(doc))}
	}
	v, ok := obj["format_version"]
	if !ok {
		return nil, &Error{File: name, Path: "$", Msg: "not a trailwatch snapshot: it has no format_version"}
	}
	if n, ok := v.(json.Number); !ok || string(n) != fmt.Sprint(FormatVersion) {
		return nil, &Error{File: name, Path: "$.format_version", Msg: fmt.Sprintf("format version %s is not one this trailwatch reads (it reads %d); use the trailwatch that wrote it, or collect again", render(v), FormatVersion)}
	}
	if perr := validate(doc); perr != nil {
		return nil, &Error{File: name, Path: perr.path, Msg: perr.msg}
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		// The schema admits only what the types hold; reaching here is a bug.
		return nil, &Error{File: name, Msg: "does not decode after passing the schema: " + err.Error()}
	}
	return &s, nil
}

func syntaxError(name string, data []byte, err error, off int64) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(data, int(se.Offset)-1) // Offset is just past the bad byte
		return &Error{File: name, Line: line, Col: col, Msg: "not valid JSON: " + se.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, len(data))
		return &Error{File: name, Line: line, Col: col, Msg: "JSON ends early; the file looks truncated"}
	}
	line, col := position(data, int(off))
	return &Error{File: name, Line: line, Col: col, Msg: "not valid JSON: " + err.Error()}
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}
