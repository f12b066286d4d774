// Package servicev1 holds the protobuf messages of RoadRunner's service
// RPC, generated from service.proto and common.proto.
package servicev1

//go:generate protoc -I ../.. --go_out=../.. --go_opt=module=github.com/phprun/phprun service/servicev1/common.proto service/servicev1/service.proto
