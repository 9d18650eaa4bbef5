;; Function imports kwasm does not provide, beside one it does.
(module
  (import "env" "foo" (func $foo (param i32) (result i32)))
  (import "host" "log" (func $log))
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (func (export "calls_foo") (result i32) (call $foo (i32.const 1)))
  (func (export "yields") (result i32) (call $yield))
)
