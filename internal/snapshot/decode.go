package snapshot

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/trailwatch/trailwatch/internal/strictjson"
)

// The reader walks a snapshot token by token against the schema compiled
// into a tree of nodes, each paired with the Go type it fills, and writes
// straight into the typed snapshot: one pass, no intermediate tree, the
// input streamed rather than read whole. What it refuses:
//
//   - anything the schema does not allow, with the JSON path and the line;
//   - a key twice in one object, anywhere;
//   - a key that differs from a field of the format only in case
//     ("islogging" beside, or instead of, "IsLogging"): encoding/json would
//     take it for the field, a reviewer might not, and only the exact name
//     counts;
//   - numbers out of the range the schema (and AWS) gives, or that the Go
//     field cannot hold;
//   - nesting past strictjson.MaxDepth, text after the snapshot, more
//     than MaxSize bytes.
//
// Fields of AWS objects that the format does not know (AWS adds fields)
// are skipped, after the same checks.
//
// The accounts, most of an organization's snapshot, are decoded on as
// many goroutines as there are cores while this one finds where each
// begins and ends (spreadArray); a snapshot any of them cannot read is
// read again in order, which says what is wrong as it always has.

// supportedKeywords is the subset of JSON Schema the reader implements; the
// schema may use no other (TestSchemaKeywords).
var supportedKeywords = []string{
	"$schema", "$id", "$defs", "$ref", "title", "description",
	"type", "properties", "required", "additionalProperties", "items",
	"enum", "const", "pattern", "minimum", "maximum",
}

type nodeKind int

const (
	kindObject nodeKind = iota
	kindArray
	kindString
	kindBoolean
	kindInteger
	kindNumber
	kindVersion // format_version: a const
)

// node is a compiled schema node and the Go type it fills.
type node struct {
	kind nodeKind

	// objects: fields by exact name (in struct order), which are required,
	// and what to do with other keys: refuse them, skip them, or (a map)
	// decode each into elem.
	fields     map[string]*field
	order      []*field
	required   []string
	additional additional
	elem       *node // array items; map values

	enum      []string
	pattern   *regexp.Regexp
	patternSc string
	min, max  *float64
	constant  int64

	// check is a rule of the object's Go type that the schema cannot say
	// (semantic.go); "" when the object keeps it.
	check func(v reflect.Value) string

	// placed marks the objects whose line is kept (accounts and trails),
	// for reports that point into the snapshot.
	placed bool
}

type additional int

const (
	refuseOthers additional = iota
	skipOthers
	mapOfOthers
)

type field struct {
	name  string
	index int // in the struct
	node  *node
	seen  int // position in order, for the per-object seen flags
}

var compiled struct {
	once sync.Once
	root *node
	err  error
}

func rootNode() (*node, error) {
	compiled.once.Do(func() {
		var doc map[string]any
		if err := json.Unmarshal(Schema, &doc); err != nil {
			compiled.err = fmt.Errorf("the embedded schema does not parse: %w", err)
			return
		}
		c := &compiler{defs: map[string]any{}}
		if defs, ok := doc["$defs"].(map[string]any); ok {
			c.defs = defs
		}
		compiled.root, compiled.err = c.node(doc, reflect.TypeOf(Snapshot{}), "$")
	})
	return compiled.root, compiled.err
}

type compiler struct {
	defs map[string]any
}

// node compiles a schema node for Go type t; where names the node for a
// compile error (a bug of the schema or the types, caught by the tests).
func (c *compiler) node(s map[string]any, t reflect.Type, where string) (*node, error) {
	for k := range s {
		if !slices.Contains(supportedKeywords, k) {
			return nil, fmt.Errorf("%s: schema keyword %q is not implemented", where, k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		def, ok := c.defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: unknown $ref %s", where, ref)
		}
		return c.node(def, t, where)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	n := &node{}
	if v, ok := s["const"]; ok {
		f, _ := v.(float64)
		n.kind, n.constant = kindVersion, int64(f)
		return n, nil
	}
	if v, ok := s["minimum"].(float64); ok {
		n.min = &v
	}
	if v, ok := s["maximum"].(float64); ok {
		n.max = &v
	}
	typ, _ := s["type"].(string)
	switch typ {
	case "object":
		n.kind = kindObject
		return n, c.object(n, s, t, where)
	case "array":
		if t.Kind() != reflect.Slice {
			return nil, fmt.Errorf("%s: an array in the schema, %s in Go", where, t)
		}
		items, _ := s["items"].(map[string]any)
		elem, err := c.node(items, t.Elem(), where+"[]")
		n.kind, n.elem = kindArray, elem
		return n, err
	case "string":
		if t.Kind() != reflect.String {
			return nil, fmt.Errorf("%s: a string in the schema, %s in Go", where, t)
		}
		n.kind = kindString
		for _, e := range asList(s["enum"]) {
			n.enum = append(n.enum, fmt.Sprint(e))
		}
		if p, ok := s["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, fmt.Errorf("%s: pattern: %w", where, err)
			}
			n.pattern, n.patternSc = re, p
		}
		return n, nil
	case "boolean":
		if t.Kind() != reflect.Bool {
			return nil, fmt.Errorf("%s: a boolean in the schema, %s in Go", where, t)
		}
		n.kind = kindBoolean
		return n, nil
	case "integer":
		switch t.Kind() {
		case reflect.Int, reflect.Int32, reflect.Int64:
		default:
			return nil, fmt.Errorf("%s: an integer in the schema, %s in Go", where, t)
		}
		n.kind = kindInteger
		return n, nil
	case "number":
		if t.Kind() != reflect.Float64 {
			return nil, fmt.Errorf("%s: a number in the schema, %s in Go", where, t)
		}
		n.kind = kindNumber
		return n, nil
	}
	return nil, fmt.Errorf("%s: unsupported type %q", where, typ)
}

func (c *compiler) object(n *node, s map[string]any, t reflect.Type, where string) error {
	switch ap := s["additionalProperties"].(type) {
	case bool:
		if ap {
			n.additional = skipOthers
		}
	case map[string]any:
		if t.Kind() != reflect.Map || t.Key().Kind() != reflect.String {
			return fmt.Errorf("%s: a map in the schema, %s in Go", where, t)
		}
		elem, err := c.node(ap, t.Elem(), where+"{}")
		n.additional, n.elem = mapOfOthers, elem
		return err
	}
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("%s: an object in the schema, %s in Go", where, t)
	}
	n.check = checks[t]
	n.placed = t == reflect.TypeOf(Account{}) || t == reflect.TypeOf(Trail{})
	props, _ := s["properties"].(map[string]any)
	byTag := map[string]int{}
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			byTag[tag] = i
		}
	}
	n.fields = map[string]*field{}
	for name, raw := range props {
		i, ok := byTag[name]
		if !ok {
			return fmt.Errorf("%s: schema property %q has no field in %s", where, name, t)
		}
		sub, _ := raw.(map[string]any)
		child, err := c.node(sub, t.Field(i).Type, where+"."+name)
		if err != nil {
			return err
		}
		n.fields[name] = &field{name: name, index: i, node: child}
	}
	for tag := range byTag {
		if _, ok := props[tag]; !ok {
			return fmt.Errorf("%s: field %q of %s is not in the schema", where, tag, t)
		}
	}
	for _, f := range n.fields {
		n.order = append(n.order, f)
	}
	slices.SortFunc(n.order, func(a, b *field) int { return a.index - b.index })
	for i, f := range n.order {
		f.seen = i
	}
	for _, r := range asList(s["required"]) {
		n.required = append(n.required, fmt.Sprint(r))
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// decoder walks one snapshot.
type decoder struct {
	s    *strictjson.Scanner
	name string
	path []pathStep
	// seen are the lines of the placed objects, by their indices in the
	// document, resolved to account ids and trail ARNs once it is read.
	seen []seenAt
	// spread is the array whose elements are decoded on other goroutines
	// (spreadArray): the accounts, nil to read everything in order.
	spread *node
}

type seenAt struct {
	line    int
	indices []int // [account] or [account, region, trail]
}

type pathStep struct {
	key   string
	index int
}

func (d *decoder) pathString() string {
	p := strictjson.Root
	for _, s := range d.path {
		if s.index >= 0 {
			p = p.Index(s.index)
		} else {
			p = p.Key(s.key)
		}
	}
	return p.String()
}

// fail is a problem with the value at the current path, at line:col.
func (d *decoder) fail(line, col int, format string, args ...any) *Error {
	return &Error{File: d.name, Line: line, Col: col, Path: d.pathString(), Msg: fmt.Sprintf(format, args...)}
}

// syntax turns what the scanner says into a snapshot Error.
func (d *decoder) syntax(err error) error {
	var eof *strictjson.ErrEOF
	var se *strictjson.SyntaxError
	var tl *strictjson.TooLargeError
	var dup *strictjson.DuplicateKeyError
	switch {
	case errors.As(err, &eof):
		return &Error{File: d.name, Line: eof.Line, Col: eof.Col, Msg: "JSON ends early; the file looks truncated"}
	case errors.As(err, &dup):
		// Skip names the path from the skipped value down.
		return &Error{File: d.name, Line: dup.Line, Col: dup.Col, Path: d.pathString() + strings.TrimPrefix(dup.Path.String(), "$"), Msg: strictjson.DuplicateKey(dup.Key)}
	case errors.As(err, &se):
		return &Error{File: d.name, Line: se.Line, Col: se.Col, Msg: "not valid JSON: " + se.Msg}
	case errors.As(err, &tl):
		return &Error{File: d.name, Msg: fmt.Sprintf("more than the %d bytes a snapshot may have", tl.Limit)}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{File: d.name, Msg: "reading was interrupted", err: err}
	}
	return &Error{File: d.name, Msg: "cannot read: " + err.Error(), err: err}
}

// describe reads the value at hand, for a message saying what was found.
func (d *decoder) found(k strictjson.Kind) (string, error) {
	switch k {
	case strictjson.String:
		s, err := d.s.String()
		return "a string " + clip(strconv.Quote(s)), err
	case strictjson.Number:
		n, err := d.s.Number()
		return "the number " + clip(n), err
	case strictjson.Bool:
		b, err := d.s.Bool()
		return "a boolean " + strconv.FormatBool(b), err
	case strictjson.Null:
		return "null", d.s.Null()
	}
	return k.String(), nil
}

func (d *decoder) wrongType(want string, k strictjson.Kind) error {
	line, col := d.s.Position()
	what, err := d.found(k)
	if err != nil {
		return d.syntax(err)
	}
	return d.fail(line, col, "want %s, found %s", want, what)
}

// value decodes the next value into v (a settable value of n's Go type,
// or a pointer to one).
func (d *decoder) value(n *node, v reflect.Value) error {
	k, err := d.s.Peek()
	if err != nil {
		return d.syntax(err)
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	line, col := d.s.Position()
	switch n.kind {
	case kindVersion:
		text, err := d.found(k)
		if err != nil {
			return d.syntax(err)
		}
		want := strconv.FormatInt(n.constant, 10)
		if text != "the number "+want {
			text = strings.TrimPrefix(strings.TrimPrefix(text, "the number "), "a string ")
			return d.fail(line, col, "format version %s is not one this trailwatch reads (it reads %s); use the trailwatch that wrote it, or collect again", text, want)
		}
		v.SetInt(n.constant)
	case kindObject:
		if k != strictjson.Object {
			return d.wrongType("an object", k)
		}
		if n.additional == mapOfOthers {
			return d.mapObject(n, v)
		}
		return d.object(n, v, line, col)
	case kindArray:
		if k != strictjson.Array {
			return d.wrongType("an array", k)
		}
		return d.array(n, v)
	case kindString:
		if k != strictjson.String {
			return d.wrongType("a string", k)
		}
		str, err := d.s.String()
		if err != nil {
			return d.syntax(err)
		}
		if len(n.enum) > 0 && !slices.Contains(n.enum, str) {
			quoted := make([]string, len(n.enum))
			for i, e := range n.enum {
				quoted[i] = strconv.Quote(e)
			}
			return d.fail(line, col, "want one of %s, found %s", strings.Join(quoted, ", "), clip(strconv.Quote(str)))
		}
		if n.pattern != nil && !n.pattern.MatchString(str) {
			return d.fail(line, col, "%s does not have the form %s", clip(strconv.Quote(str)), n.patternSc)
		}
		v.SetString(str)
	case kindBoolean:
		if k != strictjson.Bool {
			return d.wrongType("a boolean", k)
		}
		b, err := d.s.Bool()
		if err != nil {
			return d.syntax(err)
		}
		v.SetBool(b)
	case kindInteger:
		if k != strictjson.Number {
			return d.wrongType("an integer", k)
		}
		text, err := d.s.Number()
		if err != nil {
			return d.syntax(err)
		}
		i, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			if strings.ContainsAny(text, ".eE") {
				return d.fail(line, col, "want an integer, found the number %s", clip(text))
			}
			return d.fail(line, col, "the number %s is out of range", clip(text))
		}
		if msg := n.outOfRange(float64(i)); msg != "" || v.OverflowInt(i) {
			if msg == "" {
				msg = fmt.Sprintf("does not fit in %d bits", v.Type().Bits())
			}
			return d.fail(line, col, "the number %s %s", clip(text), msg)
		}
		v.SetInt(i)
	case kindNumber:
		if k != strictjson.Number {
			return d.wrongType("a number", k)
		}
		text, err := d.s.Number()
		if err != nil {
			return d.syntax(err)
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return d.fail(line, col, "the number %s is out of range", clip(text))
		}
		if msg := n.outOfRange(f); msg != "" {
			return d.fail(line, col, "the number %s %s", clip(text), msg)
		}
		v.SetFloat(f)
	}
	return nil
}

func (n *node) outOfRange(f float64) string {
	switch {
	case n.min != nil && f < *n.min:
		return "is below the least value allowed, " + strconv.FormatFloat(*n.min, 'g', -1, 64)
	case n.max != nil && f > *n.max:
		return "is above the greatest value allowed, " + strconv.FormatFloat(*n.max, 'g', -1, 64)
	}
	return ""
}

func (d *decoder) object(n *node, v reflect.Value, line, col int) error {
	if n.placed {
		var at []int
		for _, p := range d.path {
			if p.index >= 0 {
				at = append(at, p.index)
			}
		}
		d.seen = append(d.seen, seenAt{line: line, indices: at})
	}
	var seenBuf [32]bool
	seen := seenBuf[:0]
	if len(n.order) <= len(seenBuf) {
		seen = seenBuf[:len(n.order)]
	} else {
		seen = make([]bool, len(n.order))
	}
	var others map[string]bool
	err := d.members(func(key string, kl, kc int) error {
		if f, ok := n.fields[key]; ok {
			if seen[f.seen] {
				return d.fail(kl, kc, "%s", strictjson.DuplicateKey(key))
			}
			seen[f.seen] = true
			return d.value(f.node, v.Field(f.index))
		}
		for _, f := range n.order {
			if strings.EqualFold(key, f.name) {
				return d.fail(kl, kc, "the key %q differs from the field %q only in case; only %q counts, and a reader might take one for the other", key, f.name, f.name)
			}
		}
		if n.additional == refuseOthers {
			return d.fail(kl, kc, "unknown field %q", key)
		}
		if others[key] {
			return d.fail(kl, kc, "%s", strictjson.DuplicateKey(key))
		}
		if others == nil {
			others = map[string]bool{}
		}
		others[key] = true
		if err := d.s.Skip(strictjson.Root); err != nil {
			return d.syntax(err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range n.required {
		if !seen[n.fields[r].seen] {
			return d.fail(line, col, "the required field %q is missing", r)
		}
	}
	if n.check != nil {
		if msg := n.check(v); msg != "" {
			return d.fail(line, col, "%s", msg)
		}
	}
	return nil
}

func (d *decoder) mapObject(n *node, v reflect.Value) error {
	m := reflect.MakeMap(v.Type())
	err := d.members(func(key string, kl, kc int) error {
		if m.MapIndex(reflect.ValueOf(key)).IsValid() {
			return d.fail(kl, kc, "%s", strictjson.DuplicateKey(key))
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := d.value(n.elem, elem); err != nil {
			return err
		}
		m.SetMapIndex(reflect.ValueOf(key), elem)
		return nil
	})
	if err != nil {
		return err
	}
	v.Set(m)
	return nil
}

// members reads an object, calling each for every key (with where it
// stands) to read the value after it; the path names the key meanwhile.
func (d *decoder) members(each func(key string, line, col int) error) error {
	if err := d.s.BeginObject(); err != nil {
		return d.syntax(err)
	}
	for first := true; ; first = false {
		key, ok, err := d.s.NextKey(first)
		if err != nil {
			return d.syntax(err)
		}
		if !ok {
			return nil
		}
		kl, kc := d.s.KeyPosition()
		d.path = append(d.path, pathStep{key: key, index: -1})
		if err := each(key, kl, kc); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
	}
}

func (d *decoder) array(n *node, v reflect.Value) error {
	if n == d.spread {
		return d.spreadArray(n, v)
	}
	if err := d.s.BeginArray(); err != nil {
		return d.syntax(err)
	}
	v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	for i := 0; ; i++ {
		ok, err := d.s.NextElement(i == 0)
		if err != nil {
			return d.syntax(err)
		}
		if !ok {
			return nil
		}
		d.path = append(d.path, pathStep{index: i})
		if v.Len() == v.Cap() {
			v.Grow(1)
		}
		v.SetLen(i + 1)
		if err := d.value(n.elem, v.Index(i)); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
	}
}

// errSpread says that decoding the accounts on several goroutines met
// something it could not read: the snapshot is read again in order, which
// says what and where, as it always did.
var errSpread = errors.New("read again in order")

// spreadArray decodes the elements of an array (the accounts, a few
// hundred thousand tokens each in an organization) on other goroutines:
// this one only finds where each begins and ends (Scanner.Span), and the
// others decode each from its own text, at its own line and column, into
// the element it becomes. What they give is what reading in order gives;
// at the first problem anywhere it gives errSpread instead.
func (d *decoder) spreadArray(n *node, v reflect.Value) error {
	if err := d.s.BeginArray(); err != nil {
		return d.syntax(err)
	}
	type piece struct {
		i         int
		text      []byte
		line, col int
	}
	type element struct {
		value reflect.Value
		seen  []seenAt
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	pieces := make(chan piece, 4*workers)
	var (
		mu     sync.Mutex
		done   []element
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	depth := d.s.Depth()
	for range workers {
		wg.Go(func() {
			w := &decoder{s: &strictjson.Scanner{}, name: d.name}
			for p := range pieces {
				if failed.Load() {
					continue
				}
				w.s.Reset(p.text, p.line, p.col, depth)
				w.path = append(append(w.path[:0], d.path...), pathStep{index: p.i})
				w.seen = nil
				elem := reflect.New(v.Type().Elem()).Elem()
				if err := w.value(n.elem, elem); err != nil || !w.s.AtEnd() {
					failed.Store(true)
					continue
				}
				mu.Lock()
				for len(done) <= p.i {
					done = append(done, element{})
				}
				done[p.i] = element{elem, w.seen}
				mu.Unlock()
			}
		})
	}
	count, stopped := 0, false
	for ; !failed.Load(); count++ {
		ok, err := d.s.NextElement(count == 0)
		if err != nil {
			stopped = true
			break
		}
		if !ok {
			break
		}
		if _, err := d.s.Peek(); err != nil {
			stopped = true
			break
		}
		line, col := d.s.Position()
		text, ok := d.s.Span()
		if !ok {
			stopped = true
			break
		}
		pieces <- piece{count, text, line, col}
	}
	close(pieces)
	wg.Wait()
	switch {
	case failed.Load():
		return errSpread
	case stopped && d.s.Err() != nil:
		// The source failed (the size limit, a read error, an
		// interruption) after every account before it read well: reading
		// in order would say the same.
		return d.syntax(d.s.Err())
	case stopped:
		return errSpread
	}
	list := reflect.MakeSlice(v.Type(), count, count)
	for i := range count {
		list.Index(i).Set(done[i].value)
		d.seen = append(d.seen, done[i].seen...)
	}
	v.Set(list)
	return nil
}

// decodeStream reads one snapshot from the scanner, its accounts on
// several goroutines when spread.
func decodeStream(name string, s *strictjson.Scanner, spread bool) (*Snapshot, error) {
	root, err := rootNode()
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	d := &decoder{s: s, name: name}
	if spread {
		d.spread = root.fields["accounts"].node
	}
	if s.AtEnd() {
		if err := s.Err(); err != nil {
			return nil, d.syntax(err)
		}
		return nil, &Error{File: name, Msg: "empty file; a snapshot is a JSON object written by trailwatch collect"}
	}
	k, err := s.Peek()
	if err != nil {
		return nil, d.syntax(err)
	}
	if k != strictjson.Object {
		line, col := s.Position()
		what, err := d.found(k)
		if err != nil {
			return nil, d.syntax(err)
		}
		return nil, &Error{File: name, Line: line, Col: col, Path: "$", Msg: "not a trailwatch snapshot: want a JSON object, found " + what}
	}
	snap := &Snapshot{}
	line, col := s.Position()
	if err := d.object(root, reflect.ValueOf(snap).Elem(), line, col); err != nil {
		return nil, err
	}
	if !s.AtEnd() {
		if err := s.Err(); err != nil {
			return nil, d.syntax(err)
		}
		l, c := s.Position()
		return nil, &Error{File: name, Line: l, Col: c, Msg: "unexpected data after the snapshot's closing }"}
	}
	if err := s.Err(); err != nil {
		return nil, d.syntax(err)
	}
	snap.places = map[string]Place{}
	for _, at := range d.seen {
		if len(at.indices) != 1 && len(at.indices) != 3 {
			continue
		}
		if k := at.key(snap); snap.places[k] == (Place{}) {
			snap.places[k] = Place{File: name, Line: at.line}
		}
	}
	return snap, nil
}

// key names what a line was seen for: an account id, or an account id and
// a trail ARN.
func (at seenAt) key(snap *Snapshot) string {
	a := snap.Accounts[at.indices[0]]
	if len(at.indices) == 1 {
		return a.AccountID
	}
	return a.AccountID + " " + a.Regions[at.indices[1]].Trails[at.indices[2]].TrailARN
}

// versionOf looks for the top-level format_version of a snapshot that did
// not read, so that a file of another version says so rather than naming
// the first field this version does not know. found is false when the
// text has no top-level format_version (or does not parse that far).
func versionOf(s *strictjson.Scanner) (version string, found bool) {
	if k, err := s.Peek(); err != nil || k != strictjson.Object {
		return "", false
	}
	if s.BeginObject() != nil {
		return "", false
	}
	for first := true; ; first = false {
		key, ok, err := s.NextKey(first)
		if err != nil || !ok {
			return "", false
		}
		if key != "format_version" {
			if s.Skip(strictjson.Root) != nil {
				return "", false
			}
			continue
		}
		k, err := s.Peek()
		if err != nil {
			return "", false
		}
		switch k {
		case strictjson.Number:
			n, err := s.Number()
			return n, err == nil
		case strictjson.String:
			str, err := s.String()
			return strconv.Quote(str), err == nil
		}
		return k.String(), true
	}
}

// decode reads a snapshot, and explains a failure by the format version
// when the version is not this reader's: open gives the text again.
func decode(name string, open func() (io.Reader, error), limit int64) (*Snapshot, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	snap, err := decodeStream(name, strictjson.NewStreamScanner(r, limit), true)
	if errors.Is(err, errSpread) {
		if r, err = open(); err != nil {
			return nil, err
		}
		snap, err = decodeStream(name, strictjson.NewStreamScanner(r, limit), false)
	}
	if err == nil {
		return snap, nil
	}
	var se *Error
	if !errors.As(err, &se) || se.err != nil || !strings.HasPrefix(se.Path, "$.") {
		// An I/O failure or an interruption, text that is not JSON, or
		// not an object: say so.
		return nil, err
	}
	again, oerr := open()
	if oerr != nil {
		return nil, err
	}
	v, found := versionOf(strictjson.NewStreamScanner(again, limit))
	switch {
	case !found:
		return nil, &Error{File: name, Path: "$", Msg: "not a trailwatch snapshot: it has no format_version"}
	case found && v != strconv.Itoa(FormatVersion):
		return nil, &Error{File: name, Path: "$.format_version", Msg: fmt.Sprintf("format version %s is not one this trailwatch reads (it reads %d); use the trailwatch that wrote it, or collect again", v, FormatVersion)}
	}
	return nil, err
}

// Schema is the JSON Schema (2020-12) of format version 1. It is the
// single description of the format: the reader is compiled from it, so the
// schema and the reader cannot drift apart.
//
//go:embed schema.json
var Schema []byte

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
