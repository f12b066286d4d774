package httpfront

import (
	"errors"
	"strconv"
)

// maxTreeDepth is RoadRunner's limit on bracket nesting; deeper keys are
// dropped, as RoadRunner drops them.
const maxTreeDepth = 127

// errTreeConflict is a scalar and a nested key (or a list) claiming the
// same name, e.g. "a=1&a[b]=2". It becomes a 400.
var errTreeConflict = errors.New("invalid multiple values to key")

// node is one value of the PHP-style data tree: a string leaf, a list of
// strings ("a[]"), a list of file uploads, a single upload, or an object.
// Objects keep insertion order, so the JSON PHP receives lists fields in
// the order the client sent them (RoadRunner's Go maps shuffle them).
type node struct {
	kind   nodeKind
	str    string
	list   []string
	files  []*upload
	file   *upload
	keys   []string // object: keys in insertion order
	values []*node  // object: values, parallel to keys
}

type nodeKind uint8

const (
	kindObject nodeKind = iota
	kindString
	kindList
	kindFile
	kindFileList
)

// tree is the root object of a data or upload tree.
type tree = node

// child returns the object member named k, or nil.
func (n *node) child(k string) *node {
	for i, key := range n.keys {
		if key == k {
			return n.values[i]
		}
	}
	return nil
}

// set replaces or adds the member k.
func (n *node) set(k string, v *node) {
	for i, key := range n.keys {
		if key == k {
			n.values[i] = v
			return
		}
	}
	n.keys = append(n.keys, k)
	n.values = append(n.values, v)
}

// fetchIndexes splits a form name into its bracket path: "a[b][]" →
// ["a","b",""]. Spaces are dropped anywhere, as in RoadRunner's
// FetchIndexes, whose quirks (a stray "]" ends a key, text after "]"
// starts a new one) are kept so PHP apps see the same tree under phprun.
func fetchIndexes(s string, dst []string) []string {
	dst = dst[:0]
	var cur []byte
	pos := 0 // 0 inside a key, 1 right after '[', 2 right after ']'
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ':
		case '[':
			pos = 1
		case ']':
			if pos == 1 {
				dst = append(dst, string(cur))
				cur = cur[:0]
			}
			pos = 2
		default:
			if pos != 0 {
				dst = append(dst, string(cur))
				cur = cur[:0]
			}
			cur = append(cur, c)
			pos = 0
		}
	}
	return append(dst, string(cur))
}

// pushValues mounts the values sent under one form name into t. A plain
// key keeps the last value; "a[]" keeps them all. Keys nested deeper than
// maxTreeDepth are ignored.
func (t *tree) pushValues(name string, vals []string, scratch []string) ([]string, error) {
	keys := fetchIndexes(name, scratch)
	if len(keys) > maxTreeDepth || len(vals) == 0 {
		return keys, nil
	}
	leaf := func(array bool) *node {
		if array {
			return &node{kind: kindList, list: vals}
		}
		return &node{kind: kindString, str: vals[len(vals)-1]}
	}
	return keys, t.mount(keys, leaf)
}

// pushFiles mounts the uploads sent under one form name into t. A plain
// key keeps the first file (RoadRunner's fileLeaf), unlike values.
func (t *tree) pushFiles(name string, files []*upload, scratch []string) ([]string, error) {
	keys := fetchIndexes(name, scratch)
	if len(keys) > maxTreeDepth || len(files) == 0 {
		return keys, nil
	}
	leaf := func(array bool) *node {
		if array {
			return &node{kind: kindFileList, files: files}
		}
		return &node{kind: kindFile, file: files[0]}
	}
	return keys, t.mount(keys, leaf)
}

// isEmptyScalar reports whether n is a leaf an object may replace: PHP's
// rule that an empty value yields to a nested key.
func (n *node) isEmptyScalar() bool { return n.kind == kindString && n.str == "" }

// mount places a leaf at the path keys. Conflicts (a non-empty scalar or a
// list meeting an object) return errTreeConflict.
func (n *node) mount(keys []string, leaf func(array bool) *node) error {
	for depth := 0; depth < len(keys); depth++ {
		k := keys[depth]
		rest := len(keys) - depth - 1
		existing := n.child(k)
		if rest == 0 {
			if existing != nil && existing.kind == kindObject {
				l := leaf(false)
				if l.isEmptyScalar() {
					return nil // an empty scalar yields to the nested keys
				}
				return errTreeConflict
			}
			n.set(k, leaf(false))
			return nil
		}
		if rest == 1 && keys[depth+1] == "" {
			if existing != nil && (existing.kind == kindObject || (existing.kind == kindString && existing.str != "")) {
				return errTreeConflict
			}
			n.set(k, leaf(true))
			return nil
		}
		switch {
		case existing == nil || existing.isEmptyScalar():
			child := &node{kind: kindObject}
			n.set(k, child)
			n = child
		case existing.kind == kindObject:
			n = existing
		default:
			return errTreeConflict
		}
	}
	return nil
}

// appendJSON appends n as JSON. Uploads are encoded as RoadRunner's
// FileUpload objects {name, mime, size, error, tmpName}.
func (n *node) appendJSON(dst []byte) []byte {
	switch n.kind {
	case kindString:
		return appendJSONString(dst, n.str)
	case kindList:
		dst = append(dst, '[')
		for i, s := range n.list {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']')
	case kindFile:
		return n.file.appendJSON(dst)
	case kindFileList:
		dst = append(dst, '[')
		for i, f := range n.files {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = f.appendJSON(dst)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	for i, k := range n.keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = n.values[i].appendJSON(dst)
	}
	return append(dst, '}')
}

// appendJSON encodes one upload.
func (u *upload) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"name":`...)
	dst = appendJSONString(dst, u.name)
	dst = append(dst, `,"mime":`...)
	dst = appendJSONString(dst, u.mime)
	dst = append(dst, `,"size":`...)
	dst = strconv.AppendInt(dst, u.size, 10)
	dst = append(dst, `,"error":`...)
	dst = strconv.AppendInt(dst, int64(u.errCode), 10)
	dst = append(dst, `,"tmpName":`...)
	dst = appendJSONString(dst, u.tmpName)
	return append(dst, '}')
}
