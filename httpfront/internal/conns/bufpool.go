package conns

import "sync"

// copyBufs holds the 32 KiB buffers of every copy in httpfront (upload
// parts to temp files, response bodies through the fast path's
// ReadFrom), so a busy server keeps one set of them rather than one per
// call site.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// CopyBuffer takes a 32 KiB buffer from the shared pool; give it back
// with PutCopyBuffer.
func CopyBuffer() *[]byte { return copyBufs.Get().(*[]byte) }

// PutCopyBuffer returns a buffer taken with CopyBuffer.
func PutCopyBuffer(b *[]byte) { copyBufs.Put(b) }
