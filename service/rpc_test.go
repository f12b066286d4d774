package service

import (
	"context"
	"encoding/binary"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
	"github.com/phprun/phprun/internal/protocodec"
	"github.com/phprun/phprun/rpc"
	"github.com/phprun/phprun/service/servicev1"
	"google.golang.org/protobuf/proto"
)

// protoClient speaks goridge RPC the way spiral/roadrunner-services does:
// protobuf bodies, flag 0x80, options [seq, len(method)], seq from 1.
type protoClient struct {
	t    *testing.T
	conn net.Conn
	rd   *wire.Reader
	seq  uint32
}

func startRPC(t *testing.T, s *Supervisor) *protoClient {
	t.Helper()
	srv, err := rpc.NewServer(nil, rpc.Options{Proto: protocodec.Codec{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Register("service", NewRPC(s)); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); cancel(); <-done })
	return &protoClient{t: t, conn: conn, rd: wire.NewReader(conn, 4096, 1<<20)}
}

// call sends in and decodes the reply into out; it returns the error text
// of an error reply ("" on success).
func (c *protoClient) call(method string, in, out proto.Message) string {
	c.t.Helper()
	c.seq++
	body, err := proto.Marshal(in)
	if err != nil {
		c.t.Fatal(err)
	}
	frame, err := wire.AppendFrame(nil, wire.CodecProto, 0, []uint32{c.seq, uint32(len(method))}, []byte(method), body)
	if err != nil {
		c.t.Fatal(err)
	}
	_ = c.conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.conn.Write(frame); err != nil {
		c.t.Fatal(err)
	}
	var f wire.Frame
	if err := c.rd.ReadFrame(&f); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	opts := f.Opts()
	if len(opts) != 2 || opts[0] != c.seq || string(f.Payload[:opts[1]]) != method {
		c.t.Fatalf("%s: reply options %v, method %q", method, opts, f.Payload[:min(int(opts[1]), len(f.Payload))])
	}
	reply := f.Payload[opts[1]:]
	if f.Flags&wire.Error != 0 {
		if f.Flags != wire.CodecProto|wire.Error {
			c.t.Fatalf("%s: error flags %#x, want 0xc0", method, f.Flags)
		}
		return string(reply)
	}
	if f.Flags != wire.CodecProto {
		c.t.Fatalf("%s: flags %#x, want 0x80", method, f.Flags)
	}
	if err := proto.Unmarshal(reply, out); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	return ""
}

func TestRPCAsThePHPClientUsesIt(t *testing.T) {
	s, _, sub := newTestSupervisor(t, Services{"cfg": {Command: "sleep 30"}})
	s.Start()
	c := startRPC(t, s)

	var resp servicev1.Response
	if e := c.call("service.Create", &servicev1.Create{Name: "made", Command: script(t, `echo "made $FOO"; sleep 30`), ProcessNum: 2,
		Env: map[string]string{"foo": "bar"}, RestartSec: 1, TimeoutStopSec: 1}, &resp); e != "" || !resp.Ok {
		t.Fatalf("Create: %q %v", e, resp.Ok)
	}
	if got := lines(t, sub, "service:made", 2, 5*time.Second); got[0].Message != "made bar" {
		t.Fatalf("output %q", got[0].Message)
	}
	if e := c.call("service.Create", &servicev1.Create{Name: "made", Command: "sleep 1", ProcessNum: 1}, &resp); e != "the service with made name already exists" {
		t.Fatalf("duplicate Create: %q", e)
	}
	if e := c.call("service.Create", &servicev1.Create{Name: "zero", Command: "sleep 1"}, &resp); e != "the service with zero name should have at least 1 process" {
		t.Fatalf("process_num 0: %q", e)
	}

	var list servicev1.List
	if e := c.call("service.List", &servicev1.Service{}, &list); e != "" || strings.Join(list.Services, ",") != "cfg,made" {
		t.Fatalf("List: %q %v", e, list.Services)
	}

	var sts servicev1.Statuses
	if e := c.call("service.Statuses", &servicev1.Service{Name: "made"}, &sts); e != "" || len(sts.Status) != 2 {
		t.Fatalf("Statuses: %q %v", e, sts.Status)
	}
	for _, st := range sts.Status {
		if st.Pid == 0 || st.Status != nil || !strings.Contains(st.Command, "sh ") {
			t.Fatalf("status %v", st)
		}
	}
	var one servicev1.Status
	if e := c.call("service.Status", &servicev1.Service{Name: "made"}, &one); e != "" || one.Pid != sts.Status[1].Pid {
		t.Fatalf("Status: %q %v (want the last process, pid %d)", e, &one, sts.Status[1].Pid)
	}

	if e := c.call("service.Restart", &servicev1.Service{Name: "made"}, &resp); e != "" || !resp.Ok {
		t.Fatalf("Restart: %q", e)
	}
	var after servicev1.Statuses
	c.call("service.Statuses", &servicev1.Service{Name: "made"}, &after)
	if len(after.Status) != 2 || after.Status[0].Pid == sts.Status[0].Pid {
		t.Fatalf("after restart %v, before %v", after.Status, sts.Status)
	}

	if e := c.call("service.Terminate", &servicev1.Service{Name: "made"}, &resp); e != "" || !resp.Ok {
		t.Fatalf("Terminate: %q", e)
	}
	for _, m := range []string{"service.Terminate", "service.Restart", "service.Statuses"} {
		if e := c.call(m, &servicev1.Service{Name: "made"}, &servicev1.Response{}); e != "the service with made name doesn't exist" {
			t.Fatalf("%s of a terminated service: %q", m, e)
		}
	}

	// a stopped process: Statuses reports it with its state, Status fails
	if err := s.Stop("cfg"); err != nil {
		t.Fatal(err)
	}
	sts.Reset()
	if e := c.call("service.Statuses", &servicev1.Service{Name: "cfg"}, &sts); e != "" || len(sts.Status) != 1 ||
		sts.Status[0].Status == nil || !strings.HasPrefix(sts.Status[0].Status.Message, "stopped") {
		t.Fatalf("Statuses of a stopped service: %q %v", e, sts.Status)
	}
	if e := c.call("service.Status", &servicev1.Service{Name: "cfg"}, &one); !strings.Contains(e, "no running process") {
		t.Fatalf("Status of a stopped service: %q", e)
	}
}

// TestProtoFieldNumbers pins the wire form of Create against the field
// numbers of PROTOCOL-PLUGINS.md 7.2, independently of the generated code.
func TestProtoFieldNumbers(t *testing.T) {
	b, err := proto.Marshal(&servicev1.Create{Name: "a", Command: "b", ProcessNum: 3, ExecTimeout: 4, RemainAfterExit: true,
		RestartSec: 7, ServiceNameInLogs: true, TimeoutStopSec: 9})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{1<<3 | 2, 1, 'a', 2<<3 | 2, 1, 'b', 3 << 3, 3, 4 << 3, 4, 5 << 3, 1, 7 << 3, 7, 8 << 3, 1, 9 << 3, 9}
	if string(b) != string(want) {
		t.Fatalf("Create encodes as % x, want % x", b, want)
	}
	b, _ = proto.Marshal(&servicev1.Status{CpuPercent: 1, Pid: 2, MemoryUsage: 3, Command: "c", Status: &servicev1.ErrorStatus{Code: 0, Message: "m"}})
	f := make([]byte, 4)
	binary.LittleEndian.PutUint32(f, 0x3f800000) // 1.0 as float32
	want = append(append([]byte{1<<3 | 5}, f...), 2<<3, 2, 3<<3, 3, 4<<3|2, 1, 'c', 5<<3|2, 3, 2<<3|2, 1, 'm')
	if string(b) != string(want) {
		t.Fatalf("Status encodes as % x, want % x", b, want)
	}
}

func TestControl(t *testing.T) {
	s, _, _ := newTestSupervisor(t, Services{"a": {Command: "sleep 30", TimeoutStopSec: 1}, "b": {Command: "sleep 30"}})
	s.Start()
	r := NewRPC(s)
	var out []Status
	if err := r.Control(ControlArgs{Action: "list"}, &out); err != nil || len(out) != 2 {
		t.Fatalf("list: %v %v", err, out)
	}
	out = nil
	if err := r.Control(ControlArgs{Action: "stop", Names: []string{"a"}}, &out); err != nil || out[0].State != StateStopped {
		t.Fatalf("stop: %v %+v", err, out)
	}
	out = nil
	if err := r.Control(ControlArgs{Action: "start", Names: []string{"a"}}, &out); err != nil || out[0].State != StateRunning {
		t.Fatalf("start: %v %+v", err, out)
	}
	out = nil
	if err := r.Control(ControlArgs{Action: "restart", Names: []string{"nope"}}, &out); err == nil || err.Error() != "the service with nope name doesn't exist" {
		t.Fatalf("restart nope: %v", err)
	}
	if err := r.Control(ControlArgs{Action: "explode"}, &out); err == nil {
		t.Fatal("unknown action accepted")
	}
}
