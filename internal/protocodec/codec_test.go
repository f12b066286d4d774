package protocodec

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

func TestRoundTrip(t *testing.T) {
	var c Codec
	in := structpb.NewStringValue("hello")
	b, err := c.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out structpb.Value
	if err := c.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.GetStringValue() != "hello" {
		t.Fatalf("round trip gave %q", out.GetStringValue())
	}
}

func TestRejectsNonMessages(t *testing.T) {
	var c Codec
	if _, err := c.Marshal(42); err == nil || !strings.Contains(err.Error(), "not a protobuf message") {
		t.Fatalf("Marshal(int) = %v", err)
	}
	var s string
	if err := c.Unmarshal([]byte{0x0a}, &s); err == nil {
		t.Fatal("Unmarshal into *string succeeded")
	}
	var v structpb.Value
	if err := c.Unmarshal([]byte{0xff, 0xff}, &v); err == nil || !strings.Contains(err.Error(), "decode") {
		t.Fatalf("Unmarshal(garbage) = %v", err)
	}
}

// TestMarshalAppend: the encoding lands after what dst holds, byte for
// byte what Marshal gives; a non-message leaves dst as it was.
func TestMarshalAppend(t *testing.T) {
	var c Codec
	in := structpb.NewStringValue("hello")
	want, err := c.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.MarshalAppend([]byte("kv.MGet"), in)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "kv.MGet"+string(want) {
		t.Fatalf("MarshalAppend = %q, want prefix + %q", got, want)
	}
	got, err = c.MarshalAppend([]byte("x"), 42)
	if err == nil || string(got) != "x" {
		t.Fatalf("MarshalAppend(int) = %q, %v", got, err)
	}
}
