package engine

import (
	"fmt"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/util"
)

// A policy function whose METADATA says
//
//	custom:
//	  memoize: run
//
// is computed once per run for each list of arguments, and its answer is
// shared by every account's evaluation. Such a function must not read
// input, directly or through what it calls; Load refuses one that does.
// The chain library uses it for what depends only on a control's data (its
// records, compiled once) and on a filter pattern (what the pattern misses
// of those records): work that would otherwise be repeated for every
// account of an organization.
const memoizeKey = "memoize"

// memoizedFunctions finds the functions marked memoize: run and checks
// that none of them reads input.
func memoizedFunctions(c *ast.Compiler) ([]ast.Ref, error) {
	var refs []ast.Ref
	var problems []string
	for _, entry := range c.GetAnnotationSet().Flatten() {
		a := entry.Annotations
		if a.Scope != "rule" && a.Scope != "document" {
			continue
		}
		v, ok := a.Custom[memoizeKey]
		if !ok {
			continue
		}
		loc := location(a.Location)
		if v != "run" {
			problems = append(problems, fmt.Sprintf("%s: custom.memoize is %v; the one value known is \"run\"", loc, v))
			continue
		}
		rules := c.GetRulesExact(entry.Path)
		if len(rules) == 0 || len(rules[0].Head.Args) == 0 {
			problems = append(problems, fmt.Sprintf("%s: custom.memoize: run is for functions; %s is not one", loc, entry.Path))
			continue
		}
		for _, r := range rules {
			if why := readsInput(c, r); why != "" {
				problems = append(problems, fmt.Sprintf("%s: %s is marked memoize: run but %s; its answer would differ between accounts", loc, entry.Path, why))
				break
			}
		}
		refs = append(refs, entry.Path)
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, &PolicyError{Problems: slices.Compact(problems)}
	}
	return refs, nil
}

// readsInput says how a rule, or a rule it depends on, reads input or
// replaces something with `with`; "" when it does neither. A rule whose
// body is evaluated `with input as` a value made of the rule's arguments
// alone reads none of the input it is called with, and what it calls
// reads that value (ownInput): such a rule may be memoized, and is how a
// function works something out in an input of its own.
func readsInput(c *ast.Compiler, root *ast.Rule) string {
	seen := map[*ast.Rule]bool{}
	var visit func(r *ast.Rule) string
	visit = func(r *ast.Rule) string {
		for ; r != nil; r = r.Else {
			if seen[r] {
				continue
			}
			seen[r] = true
			if ownInput(r) {
				continue
			}
			why := ""
			ast.WalkRefs(r, func(ref ast.Ref) bool {
				if why == "" && ref.HasPrefix(ast.InputRootRef) {
					why = fmt.Sprintf("reads input at %s", location(ref[0].Location))
				}
				return why != ""
			})
			ast.WalkExprs(r, func(e *ast.Expr) bool {
				if why == "" && len(e.With) > 0 {
					why = fmt.Sprintf("uses with at %s", location(e.Location))
				}
				return why != ""
			})
			if why != "" {
				return why
			}
			for dep := range c.Graph.Dependencies(r) {
				if why := visit(dep.(*ast.Rule)); why != "" {
					return why
				}
			}
		}
		return ""
	}
	return visit(root)
}

// ownInput reports whether every expression of a rule's body is evaluated
// `with input as` a term made of the rule's arguments (and constants), and
// nothing else is replaced: the rule then reads only that term. (The
// compiler splits `x := f(y) with input as z` into two expressions, each
// with the same with.)
func ownInput(r *ast.Rule) bool {
	if len(r.Body) == 0 {
		return false
	}
	args := ast.NewVarSet()
	for _, arg := range r.Head.Args {
		args.Update(arg.Vars())
	}
	for _, expr := range r.Body {
		if len(expr.With) != 1 {
			return false
		}
		if target, ok := expr.With[0].Target.Value.(ast.Ref); !ok || !target.Equal(ast.InputRootRef) {
			return false
		}
		ok := true
		ast.WalkTerms(expr.With[0].Value, func(t *ast.Term) bool {
			if v, isVar := t.Value.(ast.Var); isVar && !args.Contains(v) {
				ok = false // input, data, or a variable of the body
			}
			return !ok
		})
		if !ok {
			return false
		}
	}
	return true
}

// runCache holds the answers of memoized functions, shared by the
// evaluations of every account of every run with the same policies. It is
// safe for concurrent use; an
// answer, once stored, is never replaced, so every account gets the same
// value (and the same term, which keeps later look-ups cheap).
type runCache struct {
	functions []ast.Ref
	mu        sync.RWMutex
	answers   *util.HasherMap[ast.Ref, *ast.Term]
	entries   int
}

// maxRunCacheEntries bounds the answers kept. Past it, answers are
// computed again for each account rather than stored: a snapshot with a
// great many distinct filter patterns costs time, not memory.
const maxRunCacheEntries = 200_000

var undefinedAnswer = ast.NullTerm()

func newRunCache(functions []ast.Ref) *runCache {
	return &runCache{functions: functions, answers: util.NewHasherMap[ast.Ref, *ast.Term](func(a, b ast.Ref) bool { return a.Equal(b) })}
}

// memoized reports whether a virtual-cache key is a call of a memoized
// function: [function ref, arguments...].
func (rc *runCache) memoized(key ast.Ref) bool {
	if len(key) == 0 {
		return false
	}
	fn, ok := key[0].Value.(ast.Ref)
	if !ok {
		return false
	}
	for _, f := range rc.functions {
		// Every rule and function evaluated asks: the last name and the
		// length tell most refs apart before the whole is compared.
		if len(fn) == len(f) && fn[len(fn)-1].Equal(f[len(f)-1]) && fn.Equal(f) {
			return true
		}
	}
	return false
}

func (rc *runCache) get(key ast.Ref) (*ast.Term, bool) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	return rc.answers.Get(key)
}

func (rc *runCache) put(key ast.Ref, v *ast.Term) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.entries >= maxRunCacheEntries {
		return
	}
	if _, ok := rc.answers.Get(key); ok {
		return
	}
	// The evaluator reuses the key's slice, not its terms: keep a copy of
	// the slice, sharing the terms, so that a later account's call with
	// the very same argument terms is recognised without a deep compare.
	rc.answers.Put(slices.Clone(key), v)
	rc.entries++
}

// evalCache is the virtual cache of one account's evaluation: OPA's own,
// with calls of memoized functions answered from the run's cache. Inside
// a `with` (a pushed frame) the run's cache is left alone, since with may
// replace what a memoized function reads.
type evalCache struct {
	local topdown.VirtualCache
	run   *runCache
	depth int
}

func (rc *runCache) forEval() *evalCache {
	return &evalCache{local: topdown.NewVirtualCache(), run: rc}
}

func (c *evalCache) Push() { c.depth++; c.local.Push() }
func (c *evalCache) Pop()  { c.depth--; c.local.Pop() }

func (c *evalCache) Get(ref ast.Ref) (*ast.Term, bool) {
	if c.depth == 0 && c.run.memoized(ref) {
		if v, ok := c.run.get(ref); ok {
			if v == undefinedAnswer {
				return nil, true
			}
			return v, false
		}
	}
	return c.local.Get(ref)
}

func (c *evalCache) Put(ref ast.Ref, v *ast.Term) {
	if c.depth == 0 && c.run.memoized(ref) {
		if v == nil {
			c.run.put(ref, undefinedAnswer)
		} else {
			c.run.put(ref, v)
		}
	}
	c.local.Put(ref, v)
}

func (c *evalCache) Keys() []ast.Ref { return c.local.Keys() }
