package main

// ServeCmd runs the server.
type ServeCmd struct{}

// Run serves until SIGTERM/SIGINT.
func (ServeCmd) Run(g *Globals, a *app) error { return nil }

// DevCmd runs the development server.
type DevCmd struct{}

// Run serves with reload on change.
func (DevCmd) Run(g *Globals, a *app) error { return nil }
