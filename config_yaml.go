package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// position is where a key sits in a config file, 1-based.
type position struct{ line, col int }

// parseYAML decodes a config file into a nested map and records where each
// dotted key was written, so later messages can say "phprun.yaml:7:18".
// It reads yaml.Node rather than unmarshalling into Config directly because
// the positions are what make type errors and typos quick to fix.
func parseYAML(name string, data []byte) (map[string]any, map[string]position, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, yamlError(name, data, err)
	}
	pos := map[string]position{}
	if len(doc.Content) == 0 { // empty file
		return map[string]any{}, pos, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s:%d:%d: the file must be a YAML mapping of sections (version: \"3\", server: ..., http: ...)", name, root.Line, root.Column)
	}
	v, err := nodeValue(name, root, "", pos)
	if err != nil {
		return nil, nil, err
	}
	return v.(map[string]any), pos, nil
}

func nodeValue(file string, n *yaml.Node, key string, pos map[string]position) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return nodeValue(file, n.Alias, key, pos)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // YAML merge key: copy the aliased mapping in
				merged, err := nodeValue(file, v, key, pos)
				if err != nil {
					return nil, err
				}
				if mm, ok := merged.(map[string]any); ok {
					for mk, mv := range mm {
						if _, set := m[mk]; !set {
							m[mk] = mv
						}
					}
				}
				continue
			}
			full := joinKey(key, k.Value)
			pos[full] = position{k.Line, k.Column}
			val, err := nodeValue(file, v, full, pos)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := nodeValue(file, c, key, pos)
			if err != nil {
				return nil, err
			}
			list = append(list, val)
		}
		return list, nil
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s:%d:%d: %s: %v", file, n.Line, n.Column, key, err)
		}
		return v, nil
	}
	return nil, nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns the parser's "yaml: line 3: did not find expected key"
// into "phprun.yaml:3: did not find expected key" followed by the line
// itself. The YAML library does not report a column for syntax errors, so
// the quoted line stands in for one.
func yamlError(name string, data []byte, err error) error {
	msg := err.Error()
	m := yamlLineRe.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("%s: invalid YAML: %s", name, strings.TrimPrefix(msg, "yaml: "))
	}
	line, _ := strconv.Atoi(m[1])
	out := fmt.Sprintf("%s:%d: invalid YAML: %s", name, line, m[2])
	lines := bytes.Split(data, []byte("\n"))
	if line >= 1 && line <= len(lines) {
		out += fmt.Sprintf("\n    %d | %s", line, strings.TrimRight(string(lines[line-1]), "\r"))
	}
	return fmt.Errorf("%s", out)
}
