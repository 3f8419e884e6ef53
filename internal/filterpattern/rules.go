package filterpattern

// The rules AWS's documentation leaves open. Each choice lives here, once,
// so that it can be changed in one place when AWS's behaviour is confirmed;
// rules_test.go pins every one of them.

// middleStarIsWildcard: AWS's guide ("Ev*ent will only match the actual
// string Ev*ent") and the CDK treat a * inside a value as a literal star;
// only a leading or trailing * is a wildcard. One 2026 report suggests AWS
// now treats an inner * as a wildcard too; unconfirmed.
const middleStarIsWildcard = false

// quotedEscape: what a backslash followed by c means inside "...". \" and
// \\ stand for the character; any other backslash is kept as written, so
// "C:\temp" means the six characters it shows.
func quotedEscape(c byte) string {
	if c == '"' || c == '\\' {
		return string(c)
	}
	return "\\" + string(c)
}

// Comparing JSON values with literals (JSON patterns):
//
//   - A selector that reaches an object or an array makes every comparison
//     false, != included (documented). A missing field does too (documented).
//   - textOf: a string literal (with its wildcards) and a regex are compared
//     with a string's value, a number's JSON text ("404" for 404) and a
//     boolean's "true" or "false", so that $.status = 4* matches 404 as it
//     does in space-delimited patterns. GUESS.
//   - A numeric literal equals a number numerically, and a string whose text
//     is a number (CloudTrail writes account ids as strings; AWS's guide
//     filters "recipientAccountId is 123456789012"). GUESS.
//   - null equals nothing, so = is false and != is true on a field that is
//     null; only IS NULL tests for it. GUESS.
//   - "= *" is true for a string, number or boolean and false for null.
//     GUESS.
//   - IS TRUE and IS FALSE test JSON booleans only, not the strings "true"
//     and "false". GUESS.
//   - .* looks one level deep, into the members of an object; [*] into the
//     elements of an array. A wildcard condition holds when any reached value
//     satisfies it. GUESS for .* depth (documented for "any").
//   - NOT EXISTS holds when the selector reaches no value at all. GUESS for
//     selectors with wildcards.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case jsonNumber:
		return string(x), true
	case float64:
		return formatFloat(x), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// Term patterns:
//
//   - An unquoted term is any run of characters up to the next blank. AWS's
//     guide asks that terms with characters other than letters, digits and _
//     be quoted; patterns that already passed PutMetricFilter are judged
//     leniently rather than refused. GUESS.
//   - A quoted term that is empty or only blanks (" ") matches every event
//     (documented for " ").
func isBlankTerm(t string) bool {
	for i := 0; i < len(t); i++ {
		if !isSpace(t[i]) {
			return false
		}
	}
	return true
}

// Space-delimited patterns:
//
//   - Fields are separated by runs of spaces or tabs. GUESS.
//   - A field that starts with " runs to the next ", one that starts with [
//     to the next ]; the delimiters are dropped from the value (documented).
//     Without its closing character the field is read as plain text. GUESS.
//   - When the message has more fields than the pattern and the pattern has
//     no ..., the last field takes the rest, its parts joined by one space.
//     GUESS.
//   - A condition names its own field (w1 = ERROR || w1 = WARN); naming
//     another field is refused, as the console refuses it. GUESS.
const absorbExtraFieldsIntoLast = true

// Regular expressions. What AWS documents of them (the CloudWatch Logs
// guide, "Supported regular expressions (regex) syntax"), enforced here:
//
//   - letters, digits, the symbols : _ # = @ / ; , - and the operators
//     ^ $ ? [ ] { } | \ * + . only; no parentheses; no multi-byte
//     characters (regex.go);
//   - at most 2 regular expressions in one JSON or space-delimited pattern
//     (MaxRegexes);
//   - at most 5 filter patterns with regular expressions on one log group,
//     for metric and subscription filters (MaxRegexFiltersPerLogGroup: a
//     rule about a log group, which the snapshot reader enforces);
//   - a pattern of at most 1024 characters (MaxPatternLength).
//
// AWS documents no bound on the repetitions {m,n} allow, and within 1024
// characters a pattern like %\w{,1000}\w{,1000}...% compiles to hundreds
// of thousands of instructions: megabytes each, and as many steps per
// byte matched. trailwatch's own limit, MaxRegexProgram, stops there: a
// regular expression that compiles to more instructions is a *LimitError,
// which a policy reports as a pattern it cannot judge (ERROR), never as a
// match or a miss. Matching stays linear in the input (Go's regexp is an
// automaton, without backtracking), and the limit bounds the constant.
const (
	MaxRegexFiltersPerLogGroup = 5
	MaxRegexProgram            = 5000
)
