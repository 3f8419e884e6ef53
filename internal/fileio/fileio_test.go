package fileio

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Writing into what is not a regular file writes into it: /dev/null stays
// a device, a symbolic link stays a link (its target is replaced), a 0600
// file stays 0600, a FIFO gets the bytes, a directory is refused.
func TestWriteAtomicSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAtomic("/dev/null", []byte("x")); err != nil {
		t.Errorf("/dev/null: %v", err)
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a character device: %v %v", info.Mode(), err)
	}

	target := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	os.WriteFile(target, []byte("old"), 0o600)
	os.Symlink("real.json", link)
	if err := WriteAtomic(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced by a file")
	}
	data, _ := os.ReadFile(target)
	info, _ := os.Stat(target)
	if string(data) != "new" || info.Mode().Perm() != 0o600 {
		t.Errorf("target holds %q with mode %v; want new, 0600", data, info.Mode().Perm())
	}
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink("later.json", dangling)
	if err := WriteAtomic(dangling, []byte("made")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "later.json")); string(data) != "made" {
		t.Errorf("a link to a file not yet there: target holds %q", data)
	}

	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	if err := WriteAtomic(fifo, []byte("x")); err == nil || !strings.Contains(err.Error(), "nothing reads from it") {
		t.Errorf("a FIFO nobody reads: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := WriteAtomic(fifo, []byte("through the fifo"))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("writing into a FIFO with a reader: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := <-got; s != "through the fifo" {
		t.Errorf("the reader got %q", s)
	}
	if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	if err := WriteAtomic(dir, []byte("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}

// A failed write leaves the earlier file as it was and no temporary file
// behind.
func TestWriteAtomicKeepsTheEarlierFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := WriteAtomic(path, []byte("earlier")); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(filepath.Join(dir, "missing-dir", "x.json"), []byte("{}")); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	if os.Geteuid() != 0 { // root ignores directory permissions
		os.Chmod(dir, 0o500)
		if err := WriteAtomic(path, []byte("later")); err == nil {
			t.Error("write into a read-only directory succeeded")
		}
		os.Chmod(dir, 0o755)
	}
	if data, _ := os.ReadFile(path); string(data) != "earlier" {
		t.Errorf("the earlier file holds %q", data)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// A bounded read refuses a directory and what is over its limit, and a
// FIFO that nothing writes to gives up when the context ends.
func TestReadBounded(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("12345"), 0o644)
	if data, err := ReadBounded(context.Background(), small, 5); err != nil || string(data) != "12345" {
		t.Errorf("%q %v", data, err)
	}
	if _, err := ReadBounded(context.Background(), small, 4); err == nil || !strings.Contains(err.Error(), "more than the 4") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadBounded(context.Background(), dir, 4); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // a writer that never writes
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := ReadBounded(ctx, fifo, 10); err == nil {
		t.Error("a silent FIFO read without end")
	}
}
