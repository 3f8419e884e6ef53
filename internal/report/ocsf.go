package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// OCSF renders the report as OCSF 1.8.0 Compliance Finding events (class
// 2003, category Findings), the form Amazon Security Lake and other
// security data lakes take: one event per control and account, as a JSON
// array, with the compliance status (Pass, Fail, or Warning for an
// ERROR), the standards and requirements, the resources, the remediation
// and the cloud account. time is when the evidence was collected.
type OCSF struct{}

// OCSFVersion is the OCSF schema version the events follow.
const OCSFVersion = "1.8.0"

// The class, its category and activity, as the OCSF schema numbers them.
const (
	ocsfCategoryFindings = 2
	ocsfClassCompliance  = 2003
	ocsfActivityCreate   = 1
)

type ocsfEvent struct {
	ActivityID   int              `json:"activity_id"`
	ActivityName string           `json:"activity_name"`
	CategoryUID  int              `json:"category_uid"`
	CategoryName string           `json:"category_name"`
	ClassUID     int              `json:"class_uid"`
	ClassName    string           `json:"class_name"`
	TypeUID      int              `json:"type_uid"`
	TypeName     string           `json:"type_name"`
	SeverityID   int              `json:"severity_id"`
	Severity     string           `json:"severity"`
	StatusID     int              `json:"status_id"`
	Status       string           `json:"status"`
	Time         int64            `json:"time"`
	Message      string           `json:"message"`
	Metadata     ocsfMetadata     `json:"metadata"`
	Cloud        ocsfCloud        `json:"cloud"`
	FindingInfo  ocsfFindingInfo  `json:"finding_info"`
	Compliance   ocsfCompliance   `json:"compliance"`
	Remediation  *ocsfRemediation `json:"remediation,omitempty"`
	Resources    []ocsfResource   `json:"resources"`
}

type ocsfMetadata struct {
	Version  string      `json:"version"`
	Product  ocsfProduct `json:"product"`
	Profiles []string    `json:"profiles"`
	LogName  string      `json:"log_name"`
	UID      string      `json:"uid"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version"`
	URLString  string `json:"url_string"`
}

type ocsfCloud struct {
	Provider       string      `json:"provider"`
	Account        ocsfAccount `json:"account"`
	Region         string      `json:"region,omitempty"`
	CloudPartition string      `json:"cloud_partition,omitempty"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfFindingInfo struct {
	UID         string   `json:"uid"`
	Title       string   `json:"title"`
	Desc        string   `json:"desc"`
	Types       []string `json:"types"`
	CreatedTime int64    `json:"created_time"`
}

type ocsfCompliance struct {
	Control      string   `json:"control"`
	Standards    []string `json:"standards"`
	Requirements []string `json:"requirements,omitempty"`
	StatusID     int      `json:"status_id"`
	Status       string   `json:"status"`
}

type ocsfRemediation struct {
	Desc string `json:"desc"`
}

type ocsfResource struct {
	UID            string `json:"uid"`
	Name           string `json:"name,omitempty"`
	Type           string `json:"type"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition,omitempty"`
}

var ocsfSeverities = map[string]struct {
	id   int
	name string
}{
	"informational": {1, "Informational"},
	"low":           {2, "Low"},
	"medium":        {3, "Medium"},
	"high":          {4, "High"},
	"critical":      {5, "Critical"},
}

// A compliance status, and the finding's own status: a passed check is
// resolved, the others new.
var ocsfStatuses = map[Status]struct {
	compliance     int
	complianceName string
	finding        int
	findingName    string
}{
	Pass:  {1, "Pass", 4, "Resolved"},
	Fail:  {3, "Fail", 1, "New"},
	Error: {2, "Warning", 1, "New"},
}

// ocsfWaived is a waived finding's own status: suppressed.
const (
	ocsfSuppressed     = 3
	ocsfSuppressedName = "Suppressed"
)

func (OCSF) Render(w io.Writer, r *Report) error {
	var when int64
	if r.CollectedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, r.CollectedAt)
		if err != nil {
			return fmt.Errorf("ocsf: collected_at %q: %w", r.CollectedAt, err)
		}
		when = t.UnixMilli()
	}
	controls := r.controlsByID()
	events := make([]ocsfEvent, 0, len(r.Results))
	for _, res := range r.Results {
		c := controls[res.ControlID]
		sev, ok := ocsfSeverities[firstNonEmpty(res.Severity, c.Severity)]
		if !ok {
			sev = ocsfSeverities["informational"]
		}
		st := ocsfStatuses[complianceOf(res)]
		if res.Status == Waived {
			st.finding, st.findingName = ocsfSuppressed, ocsfSuppressedName
		}
		partition := partitionOf(res)
		region := ""
		for _, rs := range res.Resources {
			if rs.Region != "" {
				region = rs.Region
				break
			}
		}
		standards, requirements := ocsfStandards(c.Frameworks, r.BenchmarkName, r.Benchmark)
		e := ocsfEvent{
			ActivityID:   ocsfActivityCreate,
			ActivityName: "Create",
			CategoryUID:  ocsfCategoryFindings,
			CategoryName: "Findings",
			ClassUID:     ocsfClassCompliance,
			ClassName:    "Compliance Finding",
			TypeUID:      ocsfClassCompliance*100 + ocsfActivityCreate,
			TypeName:     "Compliance Finding: Create",
			SeverityID:   sev.id,
			Severity:     sev.name,
			StatusID:     st.finding,
			Status:       st.findingName,
			Time:         when,
			Message:      res.Reason,
			Metadata: ocsfMetadata{
				Version:  OCSFVersion,
				Product:  ocsfProduct{Name: r.Tool, VendorName: r.Tool, Version: r.Version, URLString: InformationURI},
				Profiles: []string{"cloud"},
				LogName:  "trailwatch",
				UID:      fingerprint("ocsf", res.ControlID, res.AccountID, r.CollectedAt),
			},
			Cloud: ocsfCloud{Provider: "AWS", Account: ocsfAccount{UID: res.AccountID, TypeID: 10, Type: "AWS Account"}, Region: region, CloudPartition: partition},
			FindingInfo: ocsfFindingInfo{
				UID:         fmt.Sprintf("trailwatch/%s/%s", res.AccountID, res.ControlID),
				Title:       firstNonEmpty(res.Title, c.Title, res.ControlID),
				Desc:        res.Reason,
				Types:       []string{firstNonEmpty(r.BenchmarkName, "trailwatch")},
				CreatedTime: when,
			},
			Compliance: ocsfCompliance{Control: res.ControlID, Standards: standards, Requirements: requirements, StatusID: st.compliance, Status: st.complianceName},
		}
		if res.Remediation != "" && complianceOf(res) != Pass {
			e.Remediation = &ocsfRemediation{Desc: res.Remediation}
		}
		for _, rs := range res.Resources {
			e.Resources = append(e.Resources, ocsfResource{UID: rs.ID, Name: rs.Name, Type: rs.Type, Region: rs.Region, CloudPartition: partition})
		}
		events = append(events, e)
	}
	return WriteJSON(w, events)
}

// ocsfStandards are the standards a control belongs to, CIS by the version
// applied (all versions when none is), and the requirement ids in each
// ("CIS AWS Foundations Benchmark v7.0.0 5.5").
func ocsfStandards(fs []Framework, name, benchmark string) (standards, requirements []string) {
	seen := map[string]bool{}
	add := func(standard, id string) {
		if !seen[standard] {
			seen[standard] = true
			standards = append(standards, standard)
		}
		requirements = append(requirements, standard+" "+id)
	}
	for _, f := range fs {
		switch {
		case len(f.Versions) == 0:
			add(f.Name, f.ID)
		case benchmark != "":
			for _, v := range f.Versions {
				if v == benchmark {
					add(f.Name+" "+v, f.ID)
				}
			}
		default:
			for _, v := range f.Versions {
				add(f.Name+" "+v, f.ID)
			}
		}
	}
	if standards == nil {
		standards = []string{strings.TrimSpace(firstNonEmpty(name, "trailwatch") + " " + benchmark)}
	}
	return standards, requirements
}
