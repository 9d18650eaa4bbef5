;; The start function calls WASI before the instance (and its exported memory) exists.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (data (i32.const 0) "\10\00\00\00\03\00\00\00")
  (func $s (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (start $s)
  (func (export "_start")))
