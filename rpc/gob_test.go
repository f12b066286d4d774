package rpc

import (
	"bytes"
	"encoding/gob"
	"io"
	"net/rpc"
	"testing"
)

type rpcRequest = rpc.Request

type nopCloser struct{ io.ReadWriter }

func (nopCloser) Close() error { return nil }

func gobBytes(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gobDecode(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }
