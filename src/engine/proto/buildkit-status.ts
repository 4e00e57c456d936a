/**
 * The messages of BuildKit's `moby.buildkit.trace` payload, vendored from moby/buildkit
 * `api/services/control/control.proto` (StatusResponse, Vertex, VertexStatus, VertexLog,
 * VertexWarning), `solver/pb/ops.proto` (ProgressGroup, SourceInfo, Range, Position) and
 * google/protobuf/timestamp.proto. Field numbers are upstream's; gogoproto options are stripped.
 * Kept as a string (parsed by protobufjs at load) so it ships inside dist/ with no copy step.
 * SourceInfo.definition is a `pb.Definition` upstream; it is declared `bytes` here (the same wire
 * type) because kiln never reads it and the LLB definition messages would triple this file.
 */
export const buildkitStatusProto = `
syntax = "proto3";

package moby.buildkit.v1;

message StatusResponse {
  repeated Vertex vertexes = 1;
  repeated VertexStatus statuses = 2;
  repeated VertexLog logs = 3;
  repeated VertexWarning warnings = 4;
}

message Vertex {
  string digest = 1;
  repeated string inputs = 2;
  string name = 3;
  bool cached = 4;
  google.protobuf.Timestamp started = 5;
  google.protobuf.Timestamp completed = 6;
  string error = 7;
  pb.ProgressGroup progressGroup = 8;
}

message VertexStatus {
  string ID = 1;
  string vertex = 2;
  string name = 3;
  int64 current = 4;
  int64 total = 5;
  google.protobuf.Timestamp timestamp = 6;
  google.protobuf.Timestamp started = 7;
  google.protobuf.Timestamp completed = 8;
}

message VertexLog {
  string vertex = 1;
  google.protobuf.Timestamp timestamp = 2;
  int64 stream = 3;
  bytes msg = 4;
}

message VertexWarning {
  string vertex = 1;
  int64 level = 2;
  bytes short = 3;
  repeated bytes detail = 4;
  string url = 5;
  pb.SourceInfo info = 6;
  repeated pb.Range ranges = 7;
}
`;

/** `pb` package messages from moby/buildkit solver/pb/ops.proto. */
export const buildkitOpsProto = `
syntax = "proto3";

package pb;

message ProgressGroup {
  string id = 1;
  string name = 2;
  bool weak = 3;
}

message SourceInfo {
  string filename = 1;
  bytes data = 2;
  bytes definition = 3;
  string language = 4;
}

message Range {
  Position start = 1;
  Position end = 2;
}

message Position {
  int32 line = 1;
  int32 character = 2;
}
`;

/** google/protobuf/timestamp.proto. */
export const timestampProto = `
syntax = "proto3";

package google.protobuf;

message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}
`;
