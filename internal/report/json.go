package report

import (
	"encoding/json"
	"io"
)

// JSON renders the report as one indented JSON document: the report's
// documented contract (see the README).
type JSON struct{}

func (JSON) Render(w io.Writer, r *Report) error { return WriteJSON(w, r) }

// WriteJSON writes v as the JSON formats do: indented by two spaces, with
// <, > and & as they are (names and patterns are read, not embedded in
// HTML), and a final newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
