package filterpattern

import "strings"

// A term pattern: case-sensitive substrings of the raw message. Every plain
// term must appear, no -term may; ?terms match when any appears, and are
// ignored when the pattern has any other kind of term.
type termSet struct {
	required []string
	excluded []string
	optional []string
}

func parseTerms(s *scanner) (*termSet, error) {
	ts := &termSet{}
	for {
		s.skipSpace()
		if s.eof() {
			return ts, nil
		}
		list := &ts.required
		switch s.peek() {
		case '?':
			list = &ts.optional
			s.pos++
		case '-':
			list = &ts.excluded
			s.pos++
			s.skipSpace() // AWS's own example writes "ERROR" - "Exiting"
			if s.eof() {
				return nil, s.errf("expected a term after -")
			}
		}
		var t string
		if s.peek() == '"' {
			q, err := s.readQuoted()
			if err != nil {
				return nil, err
			}
			if !s.eof() && !isSpace(s.peek()) {
				return nil, s.errf("expected a blank after the quoted term, found %s", s.describe())
			}
			t = q
		} else {
			start := s.pos
			t = s.bare("")
			if i := strings.IndexByte(t, '"'); i >= 0 {
				return nil, s.errAt(start+i, "a quote inside a term; quote the whole term: \"...\"")
			}
			if t == "" {
				return nil, s.errf("expected a term, found %s", s.describe())
			}
		}
		*list = append(*list, t)
	}
}

func (ts *termSet) match(msg string) bool {
	if len(ts.required) == 0 && len(ts.excluded) == 0 {
		if len(ts.optional) == 0 {
			return true // the empty pattern matches every event
		}
		for _, t := range ts.optional {
			if containsTerm(msg, t) {
				return true
			}
		}
		return false
	}
	for _, t := range ts.required {
		if !containsTerm(msg, t) {
			return false
		}
	}
	for _, t := range ts.excluded {
		if containsTerm(msg, t) {
			return false
		}
	}
	return true
}

func containsTerm(msg, t string) bool {
	return isBlankTerm(t) || strings.Contains(msg, t)
}
