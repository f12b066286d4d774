package config

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
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
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // YAML merge key: copy the aliased mapping in
				// positions of merged keys are the anchor's; explicit keys win
				merged, err := nodeValue(file, v, key, map[string]position{})
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
			if first, dup := seen[k.Value]; dup {
				return nil, fmt.Errorf("%s:%d:%d: %s: duplicate key (first set at %d:%d); keep one", file, k.Line, k.Column, full, first.Line, first.Column)
			}
			seen[k.Value] = k
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

// yamlError turns a parser error into "phprun.yaml:4:11: invalid YAML:
// mapping values are not allowed in this context", adds the construct it
// was reading when it helps ("while parsing a flow sequence started at
// 1:4"), and quotes the offending line with a caret under the column.
func yamlError(name string, data []byte, err error) error {
	var le *yaml.LoadError
	if !errors.As(err, &le) || le.Mark.Line <= 0 {
		return fmt.Errorf("%s: invalid YAML: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	line, col := le.Mark.Line, le.Mark.Column
	out := fmt.Sprintf("%s:%d:%d: invalid YAML: %s", name, line, col, le.Message)
	if le.ContextMsg != "" && le.ContextMark.Line > 0 && le.ContextMark.Line != line {
		out += fmt.Sprintf(" (%s started at %d:%d)", le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
	}
	lines := bytes.Split(data, []byte("\n"))
	if line <= len(lines) {
		text := strings.TrimRight(string(lines[line-1]), "\r")
		prefix := fmt.Sprintf("    %d | ", line)
		out += "\n" + prefix + text
		if col >= 1 && col <= len(text)+1 {
			out += "\n" + strings.Repeat(" ", len(prefix)+col-1) + "^"
		}
	}
	return errors.New(out)
}
