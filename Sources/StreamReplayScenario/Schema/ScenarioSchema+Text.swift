// The JSON Schema of the scenario format (draft 2020-12), printed by `stream-replay schema` and
// committed as docs/scenario.schema.json (a test fails when the two differ). Editors read it
// through the `# yaml-language-server: $schema=…` line of each scenario file.
//
// Edit docs/scenario.schema.json, then paste it here; the loader stays the judge of rules across
// fields.

extension ScenarioSchema {
    static let text = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://github.com/stream-replay/stream-replay/docs/scenario.schema.json",
          "title": "StreamReplay scenario",
          "description": "A scenario: what the user sends, what the fake LLM answers, what the engine must yield and persist. Rules across fields (delay_ms alone in its frame, sweep, one error expectation per turn) are checked by stream-replay lint.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "turns"
          ],
          "properties": {
            "name": {
              "type": [
                "string",
                "number",
                "boolean"
              ],
              "description": "one line, shown in reports"
            },
            "description": {
              "type": [
                "string",
                "number",
                "boolean"
              ],
              "description": "free text"
            },
            "tags": {
              "type": "array",
              "items": {
                "type": [
                  "string",
                  "number",
                  "boolean"
                ]
              }
            },
            "engine": {
              "type": "object",
              "properties": {
                "model": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "the model sent in each request (default test-model)"
                },
                "max_tool_hops": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "at most this many tool rounds (default 8)"
                },
                "persistence": {
                  "type": "object",
                  "properties": {
                    "persist_deltas": {
                      "type": "boolean"
                    },
                    "interval_ms": {
                      "type": "integer",
                      "minimum": 0
                    },
                    "min_chars": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  "additionalProperties": false
                },
                "system_prompt": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ]
                },
                "history_limit": {
                  "type": "integer",
                  "minimum": 0
                },
                "idle_timeout_ms": {
                  "type": "integer",
                  "minimum": 1
                },
                "llm_retries": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 100
                }
              },
              "additionalProperties": false
            },
            "tools": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "name"
                ],
                "properties": {
                  "name": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ]
                  },
                  "description": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ]
                  },
                  "parameters": {
                    "type": "object",
                    "description": "the tool's JSON Schema, sent exactly as written"
                  },
                  "result": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "returned for every call"
                  },
                  "results": {
                    "type": "array",
                    "items": {
                      "type": [
                        "string",
                        "number",
                        "boolean"
                      ]
                    },
                    "description": "one per call, in order"
                  },
                  "error": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "the tool fails with this reason"
                  },
                  "delay_ms": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "virtual ms the tool takes"
                  }
                }
              }
            },
            "turns": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "user"
                ],
                "properties": {
                  "user": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "the user's message"
                  },
                  "conversation": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "conversation id (default conv-1)"
                  },
                  "request_id": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "request id, the idempotency key (default req-N)"
                  },
                  "concurrently": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 10000,
                    "description": "start this turn N times at once"
                  },
                  "expect": {
                    "type": "object",
                    "properties": {
                      "messages": {
                        "$ref": "#/$defs/matcher"
                      },
                      "text": {
                        "$ref": "#/$defs/matcher"
                      },
                      "error": {
                        "$ref": "#/$defs/matcher"
                      }
                    },
                    "additionalProperties": false
                  }
                }
              },
              "minItems": 1
            },
            "llm": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "description": "One answer of the fake LLM, in request order: a stream, a plain HTTP answer, or raw response bytes.",
                "properties": {
                  "request": {
                    "$ref": "#/$defs/matcher",
                    "description": "assertions on the request body the engine sent"
                  },
                  "stream": {
                    "type": "array",
                    "items": {
                      "$ref": "#/$defs/frame"
                    },
                    "description": "the frames of a streamed (SSE) answer"
                  },
                  "status": {
                    "type": "integer",
                    "minimum": 100,
                    "maximum": 599,
                    "description": "a plain HTTP answer's status"
                  },
                  "headers": {
                    "type": "object",
                    "additionalProperties": {
                      "type": [
                        "string",
                        "number",
                        "boolean"
                      ]
                    },
                    "description": "response headers"
                  },
                  "body": {
                    "type": [
                      "string",
                      "number",
                      "boolean",
                      "object",
                      "array"
                    ],
                    "description": "a plain answer's body (a map or list is sent as JSON)"
                  },
                  "done": {
                    "type": "boolean",
                    "description": "false: do not send data: [DONE] at the end"
                  },
                  "profile": {
                    "enum": [
                      "openai",
                      "anthropic",
                      "openai-responses"
                    ],
                    "description": "the wire format the frames are played in: openai (chat completions), anthropic (Messages API, POST /v1/messages), openai-responses (Responses API, POST /v1/responses)"
                  },
                  "model": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "the model of this answer's chunk envelopes"
                  },
                  "framing": {
                    "type": "object",
                    "properties": {
                      "line_ending": {
                        "enum": [
                          "\n",
                          "\r\n",
                          "\r",
                          "lf",
                          "LF",
                          "crlf",
                          "CRLF",
                          "cr",
                          "CR"
                        ]
                      },
                      "write_size": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "the body goes out in flushed writes of N bytes"
                      }
                    },
                    "additionalProperties": false
                  },
                  "raw_response": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ],
                    "description": "the exact bytes of the whole HTTP response"
                  },
                  "raw_response_base64": {
                    "type": "string",
                    "description": "the exact bytes of the whole HTTP response, base64-encoded"
                  }
                }
              }
            },
            "expect": {
              "type": "object",
              "properties": {
                "messages": {
                  "$ref": "#/$defs/matcher",
                  "description": "every message the engine yielded, all turns in order"
                },
                "events": {
                  "$ref": "#/$defs/matcher",
                  "description": "the persisted events after the run"
                },
                "writes": {
                  "$ref": "#/$defs/matcher",
                  "description": "every event committed during the run, in commit order"
                },
                "tool_calls": {
                  "$ref": "#/$defs/matcher",
                  "description": "every call the tool executor received"
                },
                "llm_requests": {
                  "$ref": "#/$defs/matcher",
                  "description": "the number of requests the fake received"
                },
                "error": {
                  "$ref": "#/$defs/matcher",
                  "description": "how the turn failed"
                },
                "invariants": {
                  "type": "object",
                  "properties": {
                    "allow": {
                      "type": "array",
                      "items": {
                        "enum": [
                          "text-persisted",
                          "tool-results-answered",
                          "seq-ordered",
                          "no-delta-left",
                          "request-ids-unique",
                          "valid-conversation",
                          "idempotent"
                        ]
                      }
                    }
                  },
                  "additionalProperties": false
                }
              },
              "additionalProperties": false
            },
            "live": {
              "type": "object",
              "properties": {
                "expect": {
                  "type": "object",
                  "properties": {
                    "messages": {
                      "$ref": "#/$defs/matcher",
                      "description": "every message the engine yielded, all turns in order"
                    },
                    "events": {
                      "$ref": "#/$defs/matcher",
                      "description": "the persisted events after the run"
                    },
                    "writes": {
                      "$ref": "#/$defs/matcher",
                      "description": "every event committed during the run, in commit order"
                    },
                    "tool_calls": {
                      "$ref": "#/$defs/matcher",
                      "description": "every call the tool executor received"
                    },
                    "llm_requests": {
                      "$ref": "#/$defs/matcher",
                      "description": "the number of requests the fake received"
                    },
                    "error": {
                      "$ref": "#/$defs/matcher",
                      "description": "how the turn failed"
                    },
                    "invariants": {
                      "type": "object",
                      "properties": {
                        "allow": {
                          "type": "array",
                          "items": {
                            "enum": [
                              "text-persisted",
                              "tool-results-answered",
                              "seq-ordered",
                              "no-delta-left",
                              "request-ids-unique",
                              "valid-conversation",
                              "idempotent"
                            ]
                          }
                        }
                      },
                      "additionalProperties": false
                    },
                    "text": {
                      "$ref": "#/$defs/matcher",
                      "description": "the text messages joined, one string"
                    }
                  },
                  "additionalProperties": false
                }
              },
              "additionalProperties": false,
              "description": "live mode: what a real provider must do"
            },
            "fault": {
              "type": "object",
              "properties": {
                "kind": {
                  "enum": [
                    "cut",
                    "stall",
                    "garbage_line",
                    "http_error",
                    "byte_writes"
                  ],
                  "description": "the fault injected into this file's frames or script"
                },
                "llm": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "the llm entry it was injected at, from 0"
                },
                "frame": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "the frame it was injected before, from 0"
                },
                "seed": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "the seed of the schedule that drew it"
                },
                "run": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "the run of that schedule"
                },
                "allowed_errors": {
                  "type": "array",
                  "items": {
                    "type": "string"
                  },
                  "description": "the error codes a turn may end with"
                }
              },
              "required": [
                "kind"
              ],
              "additionalProperties": false,
              "description": "a faulted run written by run --faults-out: its rules replace the expectations"
            }
          },
          "$defs": {
            "matcher": {
              "description": "A matcher: a plain value matches an equal value, a map matches a map with at least its keys, a list matches item by item; an operator changes that.",
              "anyOf": [
                {
                  "type": [
                    "string",
                    "number",
                    "boolean",
                    "null"
                  ]
                },
                {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/matcher"
                  }
                },
                {
                  "$ref": "#/$defs/operator"
                },
                {
                  "type": "object",
                  "propertyNames": {
                    "pattern": "^[^$]"
                  },
                  "additionalProperties": {
                    "$ref": "#/$defs/matcher"
                  }
                }
              ]
            },
            "operator": {
              "type": "object",
              "minProperties": 1,
              "maxProperties": 1,
              "description": "An operator: a one-key map whose key starts with $.",
              "propertyNames": {
                "enum": [
                  "$regex",
                  "$contains",
                  "$any",
                  "$absent",
                  "$json",
                  "$exact",
                  "$contains_items",
                  "$unordered",
                  "$length",
                  "$first",
                  "$last",
                  "$not",
                  "$literal"
                ]
              },
              "properties": {
                "$regex": {
                  "type": "string",
                  "description": "a string the regular expression (Swift Regex syntax) matches somewhere"
                },
                "$contains": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "a string that contains this text"
                },
                "$any": {
                  "type": "boolean",
                  "description": "any value that is present, null included"
                },
                "$absent": {
                  "type": "boolean",
                  "description": "a map key that is not there"
                },
                "$json": {
                  "$ref": "#/$defs/matcher",
                  "description": "a string that parses as JSON and whose value matches"
                },
                "$exact": {
                  "type": "object",
                  "additionalProperties": {
                    "$ref": "#/$defs/matcher"
                  },
                  "description": "a map with exactly these keys"
                },
                "$contains_items": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/matcher"
                  },
                  "description": "a list in which these match distinct items, in order"
                },
                "$unordered": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/matcher"
                  },
                  "description": "a list of the same length whose items match in some order"
                },
                "$length": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "a list or string of this many items or Unicode scalars"
                },
                "$first": {
                  "$ref": "#/$defs/matcher",
                  "description": "a non-empty list whose first item matches"
                },
                "$last": {
                  "$ref": "#/$defs/matcher",
                  "description": "a non-empty list whose last item matches"
                },
                "$not": {
                  "$ref": "#/$defs/matcher",
                  "description": "anything the inner matcher does not match"
                },
                "$literal": {
                  "description": "this value itself, with no operators inside"
                }
              }
            },
            "toolCall": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "index": {
                  "type": [
                    "integer",
                    "null"
                  ],
                  "description": "the call's index (any integer is only a key); null is sent as null"
                },
                "id": {
                  "type": [
                    "string",
                    "number",
                    "boolean",
                    "null"
                  ]
                },
                "type": {
                  "type": [
                    "string",
                    "number",
                    "boolean",
                    "null"
                  ]
                },
                "name": {
                  "type": [
                    "string",
                    "number",
                    "boolean",
                    "null"
                  ]
                },
                "arguments": {
                  "type": [
                    "string",
                    "number",
                    "boolean",
                    "null",
                    "object",
                    "array"
                  ],
                  "description": "a string, or a JSON object sent as one"
                }
              }
            },
            "frame": {
              "type": "object",
              "additionalProperties": false,
              "minProperties": 1,
              "description": "One SSE event. delay_ms, disconnect, chunk, raw, raw_base64, comment and error stand alone in their frame; the others build one chunk.",
              "properties": {
                "role": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "delta.role"
                },
                "text": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "delta.content"
                },
                "tool_call": {
                  "$ref": "#/$defs/toolCall",
                  "description": "one item of delta.tool_calls"
                },
                "tool_calls": {
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/toolCall"
                  },
                  "description": "several items of delta.tool_calls in one chunk"
                },
                "finish": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "finish_reason"
                },
                "usage": {
                  "description": "usage (alone: a chunk with choices [])"
                },
                "split": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "cut text or tool_call.arguments into pieces of N Unicode scalars, one chunk each"
                },
                "sweep": {
                  "enum": [
                    true,
                    false,
                    "bytes"
                  ],
                  "description": "play the scenario once per cut point: true at every Unicode-scalar boundary of text or arguments, bytes at every byte of the event"
                },
                "chunk": {
                  "type": "object",
                  "description": "this exact JSON object as the event's data"
                },
                "raw": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "these exact bytes on the wire"
                },
                "raw_base64": {
                  "type": "string",
                  "description": "exact bytes on the wire, base64-encoded"
                },
                "comment": {
                  "type": [
                    "string",
                    "number",
                    "boolean"
                  ],
                  "description": "an SSE comment line ': TEXT'"
                },
                "error": {
                  "description": "data: {\"error\": …} inside the stream"
                },
                "delay_ms": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "wait N virtual ms before the next frame"
                },
                "disconnect": {
                  "const": true,
                  "description": "close the connection now, without [DONE] or the end of the body"
                }
              }
            }
          }
        }
        """#
}
