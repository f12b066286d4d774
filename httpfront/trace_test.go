package httpfront

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
)

func httptraceWith1xx(ctx context.Context, fn func(int, http.Header)) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			fn(code, http.Header(h))
			return nil
		},
	})
}

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReader(r) }
