// The model's public names are nested (`Scenario.Frame`, `Scenario.Matcher`, …) so that they
// cannot collide with an embedder's own `Frame` or `Header`. Inside this package, where there is
// nothing to collide with, the short names read better: these aliases are not public.

package typealias Turn = Scenario.Turn
package typealias EngineSettings = Scenario.EngineSettings
package typealias Expectations = Scenario.Expectations
package typealias TurnExpectations = Scenario.TurnExpectations
package typealias ToolScript = Scenario.ToolScript
package typealias LLMAnswer = Scenario.LLMAnswer
package typealias StreamAnswer = Scenario.StreamAnswer
package typealias PlainAnswer = Scenario.PlainAnswer
package typealias Framing = Scenario.Framing
package typealias Header = Scenario.Header
package typealias Frame = Scenario.Frame
package typealias ChunkFrame = Scenario.ChunkFrame
package typealias ToolCallFrame = Scenario.ToolCallFrame
package typealias Matcher = Scenario.Matcher
package typealias Mismatch = Scenario.Matcher.Mismatch
package typealias Diagnostic = ScenarioError.Diagnostic
package typealias Sweep = Scenario.Sweep
package typealias Fault = Scenario.Fault
