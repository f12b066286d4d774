package main

import "embed"

// projectFiles are the trees `phprun init` copies (scaffold.Sources). They
// live at the repository root, which only this package's directory can
// embed. The all: prefix keeps the templates' dotfiles (.gitignore); the
// php-skeleton paths are scaffold.RuntimePaths, checked by
// TestProjectFilesEmbedded.
//
//go:embed all:templates php-skeleton/README.md php-skeleton/autoload.php php-skeleton/bootstrap.php php-skeleton/src
var projectFiles embed.FS
