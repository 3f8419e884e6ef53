package filterpattern

import (
	"encoding/json"
	"strings"
)

// Reads reports whether matching the pattern against a JSON log event
// could read text that holds s: a string, a number or a key on the way to
// a value one of its selectors reaches (or, for a pattern of terms,
// space-delimited fields or a regular expression, anywhere in the event,
// whose whole text such a pattern reads). When it does not, replacing s
// in the event by anything changes no match: a caller can judge the
// pattern once for events that differ only in s (the account id of
// CloudTrail records, say).
func (p *Pattern) Reads(ev any, s string) bool {
	if p.kind != KindJSON {
		return holds(ev, s)
	}
	return reads(p.json, ev, s)
}

func reads(e jsonExpr, root any, s string) bool {
	switch x := e.(type) {
	case orExpr:
		return anyReads(x, root, s)
	case andExpr:
		return anyReads(x, root, s)
	case *cond:
		return readsPath(x.path, root, s)
	case *eqSet:
		return readsPath(x.path, root, s)
	}
	return true // a kind of expression this does not know: assume it reads
}

func anyReads(list []jsonExpr, root any, s string) bool {
	for _, e := range list {
		if reads(e, root, s) {
			return true
		}
	}
	return false
}

// readsPath reports whether following path from v passes a key holding s
// (a key the selector is compared with) or reaches a value holding it.
func readsPath(path []step, v any, s string) bool {
	keyHolds := func(m map[string]any) bool {
		for k := range m {
			if strings.Contains(k, s) {
				return true
			}
		}
		return false
	}
	return reaches(path, v, keyHolds, func(v any) bool { return holds(v, s) })
}

// holds reports whether a JSON value holds s in a string, number or key.
func holds(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, s)
	case json.Number:
		return strings.Contains(string(x), s)
	case float64, int, int64:
		b, _ := json.Marshal(x)
		return strings.Contains(string(b), s)
	case []any:
		for _, e := range x {
			if holds(e, s) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if strings.Contains(k, s) || holds(e, s) {
				return true
			}
		}
	}
	return false
}
