package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"

	"github.com/trailwatch/trailwatch/internal/strictjson"
)

// bytesToChange are what a byte of a snapshot is changed to: JSON's
// punctuation, a letter, a space, a digit, a line end, a byte not UTF-8.
const bytesToChange = "\"{}[],:\\x 0\n\xff"

// readBothWays reads data with its accounts decoded on several goroutines
// (as Decode does first) and in order, from a reader that gives one byte
// at a time when trickle, and fails the test unless both read the same
// snapshot, or reading in order refuses it and the other way gives up or
// refuses it alike. It says whether data read.
func readBothWays(t *testing.T, data []byte, trickle bool) bool {
	t.Helper()
	reader := func() io.Reader {
		if trickle {
			return iotest.OneByteReader(bytes.NewReader(data))
		}
		return bytes.NewReader(data)
	}
	spread, spreadErr := decodeStream("x.json", strictjson.NewStreamScanner(reader(), MaxSize), true)
	inOrder, inOrderErr := decodeStream("x.json", strictjson.NewStreamScanner(reader(), MaxSize), false)
	switch {
	case inOrderErr == nil && spreadErr == nil:
		if !reflect.DeepEqual(spread, inOrder) {
			t.Fatalf("the accounts decoded apart differ from reading in order:\n%s", data)
		}
		return true
	case inOrderErr != nil && errors.Is(spreadErr, errSpread):
	case inOrderErr != nil && spreadErr != nil && spreadErr.Error() == inOrderErr.Error():
		// found before or after the accounts, or by the source
	default:
		t.Fatalf("spread: %v; in order: %v\n%s", spreadErr, inOrderErr, data)
	}
	return false
}

// Decoding the accounts on several goroutines gives what reading in order
// gives: every shipped snapshot, as shipped (read whole and a byte at a
// time), written compact, indented with tabs and with CRLF line ends,
// reads the same,
// places included; and where reading in order finds something wrong (the
// same texts cut short or with a byte changed), spreading gives up
// (errSpread), so that Decode reads again in order and says the same.
func TestSpreadReadsAsInOrder(t *testing.T) {
	files, err := filepath.Glob("../../snapshots/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped snapshots: %v", err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	spreadRead, refused := 0, 0
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var compact, tabs bytes.Buffer
		if err := json.Compact(&compact, text); err != nil {
			t.Fatal(err)
		}
		if err := json.Indent(&tabs, text, "", "\t"); err != nil {
			t.Fatal(err)
		}
		crlf := bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
		for f, form := range [][]byte{text, compact.Bytes(), tabs.Bytes(), crlf} {
			variants := [][]byte{form}
			for range 6 {
				cut := form[:rng.IntN(len(form))]
				changed := bytes.Clone(form)
				changed[rng.IntN(len(changed))] = bytesToChange[rng.IntN(len(bytesToChange))]
				variants = append(variants, cut, changed)
			}
			for k, data := range variants {
				if readBothWays(t, data, k == 0 && f == 0) {
					spreadRead++
				} else {
					refused++
				}
			}
		}
	}
	if spreadRead < 4*len(files) || refused == 0 {
		t.Errorf("read apart %d times, refused %d times: want every shipped snapshot in every form read apart, and some variants refused", spreadRead, refused)
	}
}
