package httpfront

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
)

// Limits of multipart parsing, matching Go's own ParseMultipartForm
// defaults: values are held in memory, files go to temp files.
const (
	maxFormParts       = 1000
	maxFormValueMemory = 32 << 20
)

// errBadForm marks request bodies that cannot be mapped (400).
var errBadForm = errors.New("bad form")

// bodyKind is how a request body travels to PHP (PROTOCOL.md 3.4).
type bodyKind uint8

const (
	bodyRaw bodyKind = iota
	bodyURLEncoded
	bodyMultipart
)

// classifyBody picks the body handling from the Content-Type, as
// RoadRunner does with substring matches.
func classifyBody(contentType string, raw bool) bodyKind {
	if raw || contentType == "" {
		return bodyRaw
	}
	switch {
	case strings.Contains(contentType, "application/x-www-form-urlencoded"):
		return bodyURLEncoded
	case strings.Contains(contentType, "multipart/form-data"):
		return bodyMultipart
	}
	return bodyRaw
}

// formFields collects values (or files) per form name in arrival order,
// so that a plain name keeps its last value and "a[]" gets all of them.
type formFields[T any] struct {
	names  []string
	values [][]T
	index  map[string]int
}

func (f *formFields[T]) add(name string, v T) {
	if f.index == nil {
		f.index = make(map[string]int)
	}
	i, ok := f.index[name]
	if !ok {
		i = len(f.names)
		f.index[name] = i
		f.names = append(f.names, name)
		f.values = append(f.values, nil)
	}
	f.values[i] = append(f.values[i], v)
}

// parseURLEncoded maps an application/x-www-form-urlencoded body to the
// data tree. Like Go's url.ParseQuery it rejects semicolons and bad
// escapes, but keeps the order of fields.
func parseURLEncoded(body string) (*tree, error) {
	var fields formFields[string]
	for body != "" {
		var kv string
		kv, body, _ = strings.Cut(body, "&")
		if kv == "" {
			continue
		}
		if strings.Contains(kv, ";") {
			return nil, fmt.Errorf("%w: semicolon in form body", errBadForm)
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadForm, err)
		}
		v, err = url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadForm, err)
		}
		fields.add(k, v)
	}
	return buildValueTree(&fields)
}

func buildValueTree(fields *formFields[string]) (*tree, error) {
	t := &tree{kind: kindObject}
	var scratch []string
	var err error
	for i, name := range fields.names {
		if scratch, err = t.pushValues(name, fields.values[i], scratch); err != nil {
			return nil, fmt.Errorf("%w: field %q: %v", errBadForm, name, err)
		}
	}
	return t, nil
}

// multipartResult is a parsed multipart body.
type multipartResult struct {
	data    *tree
	uploads *tree    // nil when no file part was sent
	created []string // temp files to delete after the response
}

// parseMultipart streams a multipart/form-data body: fields go into the
// data tree, file parts straight into temp files in the uploads dir (one
// copy, never buffered in memory). On error the temp files created so far
// are still listed in the result so the caller can remove them.
func parseMultipart(body io.Reader, contentType string, pol *uploadPolicy) (*multipartResult, error) {
	res := &multipartResult{}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return res, fmt.Errorf("%w: content type: %v", errBadForm, err)
	}
	boundary := params["boundary"]
	if boundary == "" {
		return res, fmt.Errorf("%w: multipart boundary missing", errBadForm)
	}
	mr := multipart.NewReader(body, boundary)
	var values formFields[string]
	var files formFields[*upload]
	memory := 0
	var sb strings.Builder
	for parts := 0; ; parts++ {
		if parts >= maxFormParts {
			return res, fmt.Errorf("%w: more than %d parts", errBadForm, maxFormParts)
		}
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, partError(err)
		}
		name := p.FormName()
		if name == "" {
			if err := drain(p); err != nil {
				return res, partError(err)
			}
			continue
		}
		if filename := p.FileName(); filename != "" {
			u := &upload{name: filename, mime: p.Header.Get("Content-Type")}
			if err := pol.save(p, u, &res.created); err != nil {
				return res, partError(err)
			}
			files.add(name, u)
			continue
		}
		sb.Reset()
		n, err := io.Copy(&sb, io.LimitReader(p, int64(maxFormValueMemory-memory)+1))
		if err != nil {
			return res, partError(err)
		}
		memory += int(n)
		if memory > maxFormValueMemory {
			return res, errFormTooLarge
		}
		values.add(name, sb.String())
	}
	if res.data, err = buildValueTree(&values); err != nil {
		return res, err
	}
	if len(files.names) > 0 {
		res.uploads = &tree{kind: kindObject}
		var scratch []string
		for i, name := range files.names {
			if scratch, err = res.uploads.pushFiles(name, files.values[i], scratch); err != nil {
				return res, fmt.Errorf("%w: file %q: %v", errBadForm, name, err)
			}
		}
	}
	return res, nil
}

// errFormTooLarge: form values beyond maxFormValueMemory (413).
var errFormTooLarge = errors.New("form values exceed 32 MiB")

// partError keeps body-limit and read failures recognisable and marks
// everything else from the multipart reader as a malformed form.
func partError(err error) error {
	var br *errBodyRead
	if errors.As(err, &br) {
		err = br.err
	}
	if isTooLarge(err) {
		return err
	}
	return fmt.Errorf("%w: %v", errBadForm, err)
}
