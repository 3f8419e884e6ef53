package snapshot

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/trailwatch/trailwatch/internal/filterpattern"
)

// checks are rules of the format that its schema cannot say: what AWS
// never returns. The reader applies each to every object of its type, and
// refuses the snapshot, at the object, when one is broken.
var checks = map[reflect.Type]func(v reflect.Value) string{
	reflect.TypeOf(LogGroup{}): func(v reflect.Value) string {
		return checkLogGroup(v.Addr().Interface().(*LogGroup))
	},
}

// AWS's quotas on one log group's metric filters: at most 100, at most 5
// of them with regular expressions (filterpattern's rules.go).
const MaxMetricFiltersPerLogGroup = 100

func checkLogGroup(lg *LogGroup) string {
	if n := len(lg.MetricFilters); n > MaxMetricFiltersPerLogGroup {
		return fmt.Sprintf("log group %s has %d metric filters; AWS allows %d", lg.LogGroupName, n, MaxMetricFiltersPerLogGroup)
	}
	regexes := 0
	for _, f := range lg.MetricFilters {
		if !strings.Contains(f.FilterPattern, "%") {
			continue // no regular expression without a percent sign
		}
		p, err := filterpattern.Parse(f.FilterPattern)
		var le *filterpattern.LimitError
		if (err == nil && p.HasRegex()) || errors.As(err, &le) {
			regexes++
		}
	}
	if regexes > filterpattern.MaxRegexFiltersPerLogGroup {
		return fmt.Sprintf("log group %s has %d metric filters with regular expressions; AWS allows %d", lg.LogGroupName, regexes, filterpattern.MaxRegexFiltersPerLogGroup)
	}
	return ""
}
