package fdio

import (
	"io"
	"os"
	"testing"
)

// BenchmarkPipeRoundTrip bounces a 200-byte message off an echoing
// goroutine through two pipes, the shape of a worker exchange, with the
// files' own methods and with raw calls. It measures the per-call saving
// only: the sysmon wake-ups that motivated the package need a process
// that goes idle between requests (bench/http.sh shows those).
func BenchmarkPipeRoundTrip(b *testing.B) {
	for _, mode := range []struct {
		name string
		wrap func(*os.File) io.ReadWriter
	}{
		{"os.File", func(f *os.File) io.ReadWriter { return f }},
		{"fdio", File},
	} {
		b.Run(mode.name, func(b *testing.B) {
			r1, w1, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			r2, w2, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			defer func() { r1.Close(); w1.Close(); r2.Close(); w2.Close() }()
			go func() {
				in, out := mode.wrap(r1), mode.wrap(w2)
				buf := make([]byte, 4096)
				for {
					n, err := in.Read(buf)
					if err != nil {
						return
					}
					if _, err := out.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
			out, in := mode.wrap(w1), mode.wrap(r2)
			msg := pattern(200)
			buf := make([]byte, 4096)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := out.Write(msg); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(in, buf[:len(msg)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
