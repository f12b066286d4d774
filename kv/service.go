package kv

import (
	"context"
	"errors"
	"fmt"

	"github.com/phprun/phprun/kv/kvv1"
)

// Service is RoadRunner's "kv" RPC service. Every method takes a
// kvv1.Request naming the storage and answers a kvv1.Response; the error
// texts keep RoadRunner's "<op>: no such storage: <name>", which the
// official PHP client turns into a StorageException.
type Service struct{ p *Plugin }

// errNoStorage is what an empty Request.storage gets, as in RoadRunner.
var errNoStorage = errors.New("no storage provided")

// lookup finds the request's storage; op is the error prefix.
func (s *Service) lookup(op string, in *kvv1.Request) (*storage, error) {
	if in.GetStorage() == "" {
		return nil, fmt.Errorf("%s: %w", op, errNoStorage)
	}
	st, ok := s.p.storages[in.GetStorage()]
	if !ok {
		return nil, fmt.Errorf("%s: no such storage: %s", op, in.GetStorage())
	}
	return st, nil
}

// keys lists the request's keys.
func keys(in *kvv1.Request) []string {
	out := make([]string, len(in.GetItems()))
	for i, it := range in.GetItems() {
		out[i] = it.GetKey()
	}
	return out
}

// Has answers one item (key only) per existing key.
func (s *Service) Has(in *kvv1.Request, out *kvv1.Response) error {
	st, err := s.lookup("rpc_has", in)
	if err != nil {
		return err
	}
	found, err := st.Has(context.Background(), keys(in))
	if err != nil {
		return fmt.Errorf("rpc_has: storage %s: %w", in.GetStorage(), err)
	}
	out.Items = make([]*kvv1.Item, len(found))
	for i, k := range found {
		out.Items[i] = &kvv1.Item{Key: k}
	}
	return nil
}

// Set stores every item with its value and timeout.
func (s *Service) Set(in *kvv1.Request, _ *kvv1.Response) error {
	st, err := s.lookup("rpc_set", in)
	if err != nil {
		return err
	}
	items, err := toItems(in, st.maxValue, in.GetStorage())
	if err != nil {
		return fmt.Errorf("rpc_set: %w", err)
	}
	if err := st.Set(context.Background(), items); err != nil {
		return fmt.Errorf("rpc_set: storage %s: %w", in.GetStorage(), err)
	}
	return nil
}

// MGet answers {key, value} for each key found; missing keys are absent.
func (s *Service) MGet(in *kvv1.Request, out *kvv1.Response) error {
	st, err := s.lookup("rpc_mget", in)
	if err != nil {
		return err
	}
	found, err := st.MGet(context.Background(), keys(in))
	if err != nil {
		return fmt.Errorf("rpc_mget: storage %s: %w", in.GetStorage(), err)
	}
	out.Items = make([]*kvv1.Item, len(found))
	for i, it := range found {
		out.Items[i] = &kvv1.Item{Key: it.Key, Value: it.Value}
	}
	return nil
}

// MExpire sets the timeout of each existing key.
func (s *Service) MExpire(in *kvv1.Request, _ *kvv1.Response) error {
	st, err := s.lookup("rpc_mexpire", in)
	if err != nil {
		return err
	}
	items, err := toItems(in, 0, in.GetStorage())
	if err != nil {
		return fmt.Errorf("rpc_mexpire: %w", err)
	}
	if err := st.MExpire(context.Background(), items); err != nil {
		return fmt.Errorf("rpc_mexpire: storage %s: %w", in.GetStorage(), err)
	}
	return nil
}

// TTL answers {key, timeout} for each key found; a key without TTL comes
// back with no timeout.
func (s *Service) TTL(in *kvv1.Request, out *kvv1.Response) error {
	st, err := s.lookup("rpc_ttl", in)
	if err != nil {
		return err
	}
	found, err := st.TTL(context.Background(), keys(in))
	if err != nil {
		return fmt.Errorf("rpc_ttl: storage %s: %w", in.GetStorage(), err)
	}
	out.Items = make([]*kvv1.Item, len(found))
	for i, it := range found {
		out.Items[i] = &kvv1.Item{Key: it.Key, Timeout: FormatTimeout(it.Expires)}
	}
	return nil
}

// Delete removes the keys; missing ones are no error.
func (s *Service) Delete(in *kvv1.Request, _ *kvv1.Response) error {
	st, err := s.lookup("rpc_delete", in)
	if err != nil {
		return err
	}
	if err := st.Delete(context.Background(), keys(in)); err != nil {
		return fmt.Errorf("rpc_delete: storage %s: %w", in.GetStorage(), err)
	}
	return nil
}

// Clear removes every key of the storage.
func (s *Service) Clear(in *kvv1.Request, _ *kvv1.Response) error {
	st, err := s.lookup("rpc_clear", in)
	if err != nil {
		return err
	}
	if err := st.Clear(context.Background()); err != nil {
		return fmt.Errorf("rpc_clear: storage %s: %w", in.GetStorage(), err)
	}
	return nil
}

// toItems converts and checks the request's items: an unparsable timeout
// or a value over maxValue (0: no check) fails the whole batch before
// anything is stored.
func toItems(in *kvv1.Request, maxValue int, storage string) ([]Item, error) {
	items := make([]Item, len(in.GetItems()))
	for i, it := range in.GetItems() {
		if maxValue > 0 && len(it.GetValue()) > maxValue {
			return nil, fmt.Errorf("key %q: value of %d bytes is over the limit of %d bytes (kv.%s.max_value_size)", it.GetKey(), len(it.GetValue()), maxValue, storage)
		}
		exp, err := ParseTimeout(it.GetTimeout())
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", it.GetKey(), err)
		}
		items[i] = Item{Key: it.GetKey(), Value: it.GetValue(), Expires: exp}
	}
	return items, nil
}
