package jobs

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/phprun/phprun/engine/wire"
	"github.com/phprun/phprun/jobs/jobsv1"
	"google.golang.org/protobuf/proto"
)

// Client calls the jobs RPC service of a running phprun (or RoadRunner)
// with the protobuf codec, as `rr jobs` does. It is used by one goroutine.
type Client struct {
	conn    net.Conn
	rd      *wire.Reader
	fr      wire.Frame
	seq     uint32
	out     []byte
	timeout time.Duration
}

// NewClient speaks over conn (rpc.DialConn); Close closes it.
func NewClient(conn net.Conn) *Client {
	return &Client{conn: conn, rd: wire.NewReader(conn, 4<<10, 64<<20), timeout: 30 * time.Second}
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// List returns the pipelines' names.
func (c *Client) List() ([]string, error) {
	var out jobsv1.Pipelines
	err := c.call("jobs.List", &jobsv1.Empty{}, &out)
	return out.GetPipelines(), err
}

// Stat returns every pipeline's state.
func (c *Client) Stat() ([]*jobsv1.Stat, error) {
	var out jobsv1.Stats
	err := c.call("jobs.Stat", &jobsv1.Empty{}, &out)
	return out.GetStats(), err
}

// Pause stops consuming the pipelines.
func (c *Client) Pause(names ...string) error {
	return c.call("jobs.Pause", &jobsv1.Pipelines{Pipelines: names}, &jobsv1.Empty{})
}

// Resume starts consuming the pipelines.
func (c *Client) Resume(names ...string) error {
	return c.call("jobs.Resume", &jobsv1.Pipelines{Pipelines: names}, &jobsv1.Empty{})
}

// Destroy stops and removes the pipelines and returns those destroyed.
func (c *Client) Destroy(names ...string) ([]string, error) {
	var out jobsv1.Pipelines
	err := c.call("jobs.Destroy", &jobsv1.Pipelines{Pipelines: names}, &out)
	return out.GetPipelines(), err
}

// Push sends one job.
func (c *Client) Push(j *jobsv1.Job) error {
	return c.call("jobs.Push", &jobsv1.PushRequest{Job: j}, &jobsv1.Empty{})
}

// PushBatch sends many jobs in one call.
func (c *Client) PushBatch(js []*jobsv1.Job) error {
	return c.call("jobs.PushBatch", &jobsv1.PushBatchRequest{Jobs: js}, &jobsv1.Empty{})
}

// RemoteError is an error the server answered with.
type RemoteError struct{ Method, Message string }

func (e *RemoteError) Error() string { return e.Method + ": " + e.Message }

func (c *Client) call(method string, in, out proto.Message) error {
	body, err := proto.Marshal(in)
	if err != nil {
		return fmt.Errorf("jobs: %s: encode: %w", method, err)
	}
	c.seq++
	c.out, err = wire.AppendFrame(c.out[:0], wire.CodecProto, 0, []uint32{c.seq, uint32(len(method))}, []byte(method), body)
	if err != nil {
		return fmt.Errorf("jobs: %s: %w", method, err)
	}
	_ = c.conn.SetDeadline(time.Now().Add(c.timeout))
	if _, err := c.conn.Write(c.out); err != nil {
		return fmt.Errorf("jobs: %s: %w", method, err)
	}
	if err := c.rd.ReadFrame(&c.fr); err != nil {
		return fmt.Errorf("jobs: %s: read reply: %w", method, err)
	}
	opts := c.fr.Opts()
	if len(opts) != 2 || opts[1] > uint32(len(c.fr.Payload)) || opts[0] != c.seq {
		return fmt.Errorf("jobs: %s: malformed reply", method)
	}
	reply := c.fr.Payload[opts[1]:]
	if c.fr.Flags&wire.Error != 0 {
		return &RemoteError{Method: method, Message: string(reply)}
	}
	if c.fr.Flags&wire.CodecProto == 0 {
		return errors.New("jobs: " + method + ": the server did not answer with protobuf")
	}
	if err := proto.Unmarshal(reply, out); err != nil {
		return fmt.Errorf("jobs: %s: decode reply: %w", method, err)
	}
	return nil
}
