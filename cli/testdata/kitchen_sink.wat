;; One of each thing `kwasm inspect` shows, for cli/inspect_test.ts.
;; Rebuild: wat2wasm --debug-names kitchen_sink.wat -o kitchen_sink.wasm
(module $kitchen_sink
  (type $binop (func (param i32 i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (import "env" "table" (table 2 funcref))
  (import "env" "base" (global $base i32))
  (func $add (export "add") (type $binop)
    (local $tmp i32) (local f64 f64)
    local.get 0
    local.get 1
    i32.add)
  (func $init
    i32.const 7
    call $log)
  (table $refs 4 8 externref)
  (memory (export "memory") 1 2)
  (global $sp (mut i32) (i32.const 1024))
  (global $half f64 (f64.const 0.5))
  (global $big i64 (i64.const -9007199254740993))
  (global $addref funcref (ref.func $add))
  (global $copy i32 (global.get $base))
  (start $init)
  (elem (i32.const 0) $add $init)
  (elem func $add)
  (elem declare func $init)
  (data (i32.const 16) "hello\00\"world\"")
  (data "passive")
)
