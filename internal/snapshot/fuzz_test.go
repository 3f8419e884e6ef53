package snapshot

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode: any bytes give a snapshot or a *snapshot.Error, never a panic;
// whatever reads, writes back and reads again to the same bytes; decoding
// the accounts apart reads what reading in order reads (readBothWays).
func FuzzDecode(f *testing.F) {
	good, err := sample().Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format_version":1,"accounts":[]}`))
	f.Add([]byte(`{"format_version":1,"accounts":[{"account_id":"123456789012","regions":[{"region":"x","trails":[],"metric_alarms":[]}]}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Add(good[:len(good)/3])
	f.Fuzz(func(t *testing.T, data []byte) {
		readBothWays(t, data, false)
		s, err := Decode("fuzz.json", data)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatalf("a snapshot that read does not marshal: %v", err)
		}
		s2, err := Decode("again.json", out)
		if err != nil {
			t.Fatalf("a marshalled snapshot does not read back: %v\n%s", err, out)
		}
		out2, _ := s2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("second round trip differs")
		}
	})
}
