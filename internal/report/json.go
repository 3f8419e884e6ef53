package report

import (
	"encoding/json"
	"io"
)

// JSON renders the report as one indented JSON document: the report's
// documented contract (see the README).
type JSON struct{}

func (JSON) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
