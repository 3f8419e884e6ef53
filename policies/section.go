package policies

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// Remedy is what the benchmark's remediation puts on a trail's log group
// for one control: a metric filter with the benchmark's own pattern, whose
// metric an alarm watches. Name names the filter, its metric and the alarm.
type Remedy struct {
	Control string // the control's directory under controls/monitoring/
	Name    string
	Pattern string
}

type entry struct {
	Pattern  string `json:"pattern"`
	Since    string `json:"since"`
	Before   string `json:"before"`
	TextOnly bool   `json:"text_only"`
}

// Section lists the remedies of every CIS monitoring control in a
// benchmark version ("" for the newest), as the embedded policies' data
// gives them: what the demo and the end-to-end tests set an account up
// with, as a user following the benchmark would.
func Section(version string) ([]Remedy, error) {
	var core struct {
		Frameworks struct {
			CIS struct{ Versions []string } `json:"cis"`
		}
	}
	if err := readJSON("lib/core/data.json", &core); err != nil {
		return nil, err
	}
	cis := core.Frameworks.CIS
	if version == "" {
		version = cis.Versions[len(cis.Versions)-1]
	}
	at := slices.Index(cis.Versions, version)
	if at < 0 {
		return nil, fmt.Errorf("unknown benchmark version %q", version)
	}
	index := func(v string, def int) int {
		if v == "" {
			return def
		}
		return slices.Index(cis.Versions, v)
	}
	dirs, err := fs.ReadDir(FS, "controls/monitoring")
	if err != nil {
		return nil, err
	}
	var out []Remedy
	for _, d := range dirs {
		var data struct {
			Monitoring struct {
				Name      string  `json:"name"`
				Benchmark []entry `json:"benchmark"`
			} `json:"monitoring"`
		}
		if err := readJSON(path.Join("controls", "monitoring", d.Name(), "data.json"), &data); err != nil {
			return nil, err
		}
		for _, b := range data.Monitoring.Benchmark {
			if !b.TextOnly && index(b.Since, 0) <= at && at < index(b.Before, len(cis.Versions)) {
				out = append(out, Remedy{Control: d.Name(), Name: data.Monitoring.Name, Pattern: b.Pattern})
				break
			}
		}
	}
	return out, nil
}

func readJSON(name string, v any) error {
	raw, err := FS.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("policies/%s: %w", name, err)
	}
	return nil
}
