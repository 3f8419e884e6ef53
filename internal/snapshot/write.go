package snapshot

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// Normalize puts a snapshot in its canonical order, so that two
// collections of the same account diff cleanly: accounts by id, regions by
// name, resources by ARN or name, errors by what failed. Nil lists become
// empty ones.
func (s *Snapshot) Normalize() {
	if s.FormatVersion == 0 {
		s.FormatVersion = FormatVersion
	}
	if s.Accounts == nil {
		s.Accounts = []Account{}
	}
	slices.SortFunc(s.Accounts, func(a, b Account) int { return cmp.Compare(a.AccountID, b.AccountID) })
	slices.SortFunc(s.Skipped, func(a, b SkippedAccount) int { return cmp.Compare(a.AccountID, b.AccountID) })
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.Regions == nil {
			a.Regions = []Region{}
		}
		sortErrors(a.Errors)
		slices.SortFunc(a.Regions, func(x, y Region) int { return cmp.Compare(x.Region, y.Region) })
		for j := range a.Regions {
			a.Regions[j].normalize()
		}
	}
}

func (r *Region) normalize() {
	if r.Trails == nil {
		r.Trails = []Trail{}
	}
	if r.MetricAlarms == nil {
		r.MetricAlarms = []MetricAlarm{}
	}
	slices.SortFunc(r.Trails, func(a, b Trail) int { return cmp.Compare(a.TrailARN, b.TrailARN) })
	slices.SortFunc(r.LogGroups, func(a, b LogGroup) int { return cmp.Compare(a.LogGroupName, b.LogGroupName) })
	for i := range r.LogGroups {
		lg := &r.LogGroups[i]
		if lg.MetricFilters == nil {
			lg.MetricFilters = []MetricFilter{}
		}
		slices.SortFunc(lg.MetricFilters, func(a, b MetricFilter) int { return cmp.Compare(a.FilterName, b.FilterName) })
		for j := range lg.MetricFilters {
			if lg.MetricFilters[j].MetricTransformations == nil {
				lg.MetricFilters[j].MetricTransformations = []MetricTransformation{}
			}
		}
	}
	slices.SortFunc(r.MetricAlarms, func(a, b MetricAlarm) int {
		return cmp.Or(cmp.Compare(a.AlarmName, b.AlarmName), cmp.Compare(a.AlarmArn, b.AlarmArn))
	})
	for i := range r.MetricAlarms {
		if r.MetricAlarms[i].AlarmActions == nil {
			r.MetricAlarms[i].AlarmActions = []string{}
		}
	}
	slices.SortFunc(r.Topics, func(a, b Topic) int { return cmp.Compare(a.TopicArn, b.TopicArn) })
	for i := range r.Topics {
		t := &r.Topics[i]
		if t.Subscriptions == nil {
			t.Subscriptions = []Subscription{}
		}
		slices.SortFunc(t.Subscriptions, func(a, b Subscription) int {
			return cmp.Or(cmp.Compare(a.SubscriptionArn, b.SubscriptionArn), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Endpoint, b.Endpoint))
		})
	}
	slices.SortFunc(r.KMSKeys, func(a, b KMSKey) int { return cmp.Compare(a.Reference, b.Reference) })
	sortErrors(r.Errors)
}

func sortErrors(errs []CallError) {
	slices.SortFunc(errs, func(a, b CallError) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.ErrorCode, b.ErrorCode))
	})
}

// Marshal renders a snapshot in its canonical form: normalized, indented,
// ending with a newline.
func (s *Snapshot) Marshal() ([]byte, error) {
	s.Normalize()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes the snapshot to path atomically: it goes to a temporary
// file beside path, is synced, and replaces path only when complete. A
// failure leaves any earlier file at path as it was.
func (s *Snapshot) WriteFile(path string) error {
	data, err := s.Marshal()
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to path so that a reader never sees half of
// it and a failure leaves an earlier file as it was.
//
// A regular file (or none yet) is replaced through a synced temporary file
// beside it and a rename; an existing file keeps its permissions. A
// symbolic link is followed, and the file it names is replaced, not the
// link. A file that is not regular (a character device such as /dev/null
// or a terminal, a FIFO, /dev/stdout) is written into, as a shell
// redirection would: renaming over it would replace the device with a
// file. A directory is refused.
func WriteFileAtomic(path string, data []byte) error {
	target, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	info, err := os.Stat(target)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	case err == nil && !info.Mode().IsRegular():
		return writeInto(path, target, data)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	mode := fs.FileMode(0o644)
	if err == nil {
		mode = info.Mode().Perm()
	}
	return replace(path, target, data, mode)
}

// resolveLinks follows symbolic links from path to the file they name,
// which need not exist yet.
func resolveLinks(path string) (string, error) {
	for range 40 {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// writeInto writes data into a file that is not regular. A FIFO is opened
// without waiting for a reader: with none, it is an error, not a hang.
func writeInto(path, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) {
			return fmt.Errorf("write %s: nothing reads from it", path)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replace writes data to a temporary file beside target, syncs it, and
// renames it over target.
func replace(path, target string, data []byte, mode fs.FileMode) (err error) {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the rename durable; not every file system supports it
		d.Close()
	}
	return nil
}
