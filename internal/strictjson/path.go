package strictjson

import (
	"regexp"
	"strconv"
	"strings"
)

// Path names a value in a document as JSONPath does: $.accounts[0].regions.
// It is built only when needed, by callers that keep it up to date cheaply
// (a slice of steps) or by Key and Index.
type Path struct {
	steps []step
}

type step struct {
	key   string
	index int // -1 for a key
}

// Root is the path of the whole document, $.
var Root = Path{}

// Key is the path of a member of the object at p.
func (p Path) Key(k string) Path {
	return Path{steps: append(p.steps[:len(p.steps):len(p.steps)], step{key: k, index: -1})}
}

// Index is the path of an element of the array at p.
func (p Path) Index(i int) Path {
	return Path{steps: append(p.steps[:len(p.steps):len(p.steps)], step{index: i})}
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p Path) String() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p.steps {
		switch {
		case s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case plainKey.MatchString(s.key):
			b.WriteString("." + s.key)
		default:
			b.WriteString("[" + strconv.Quote(s.key) + "]")
		}
	}
	return b.String()
}
