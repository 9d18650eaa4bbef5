;; Control, variable, reference, table and bulk memory instructions with every
;; immediate form of the 2.0 instruction set (SIMD is in simd.wat).
(module
  (type $sig (func (param i32) (result i32)))
  (type $two (func (param i32 i64) (result i64 i32)))
  (table $t0 4 funcref)
  (table $t1 4 externref)
  (table $t2 4 funcref)
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (elem $e0 func $id)
  (elem $e1 externref (ref.null extern))
  (data $d "abc")
  (func $id (type $sig) local.get 0)
  (func $control (param $p i32) (result i32) (local $l i64)
    block
      nop
    end
    block (result i32)
      i32.const 1
    end
    drop
    i32.const 7
    i64.const 8
    block (type $two)
      drop
      drop
      i64.const 9
      local.get 0
    end
    drop
    drop
    loop $l (result f32)
      local.get 0
      br_if $l
      f32.const 0
    end
    drop
    local.get 0
    if (result i64)
      i64.const 1
    else
      i64.const 2
    end
    local.set $l
    local.get 0
    if
      unreachable
    end
    block $a
      block $b
        block $c
          local.get 0
          br_table $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c $a $b $c
        end
        br $a
      end
      local.get 0
      return
    end
    local.get 0
    call $id
    drop
    local.get 0
    i32.const 0
    call_indirect $t0 (type $sig)
    i32.const 1
    call_indirect $t2 (type $sig)
    drop
    local.get 0
    local.tee 0
    global.set $g
    global.get $g
    i32.const 1
    i32.const 2
    select
    f64.const 1
    f64.const 2
    local.get 0
    select (result f64)
    drop
    ref.null extern
    ref.null extern
    local.get 0
    select (result externref)
    drop)
  (func $tables (param i32)
    i32.const 0
    table.get $t1
    drop
    i32.const 0
    ref.null extern
    table.set $t1
    ref.func $id
    i32.const 2
    table.grow $t2
    drop
    table.size $t0
    drop
    i32.const 0
    ref.null func
    i32.const 1
    table.fill $t0
    i32.const 0
    i32.const 0
    i32.const 1
    table.init $t0 $e0
    i32.const 0
    i32.const 0
    i32.const 1
    table.init $t1 $e1
    elem.drop $e0
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy $t0 $t2
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy $t2 $t0
    i32.const 0
    i32.const 0
    i32.const 1
    memory.init $d
    data.drop $d
    i32.const 0
    i32.const 0
    i32.const 1
    memory.copy
    i32.const 0
    i32.const 0
    i32.const 1
    memory.fill
    memory.size
    memory.grow
    drop)
  (func $consts
    i32.const 0 drop
    i32.const -1 drop
    i32.const 63 drop
    i32.const 64 drop
    i32.const -64 drop
    i32.const -65 drop
    i32.const 0x7fffffff drop
    i32.const 0x80000000 drop
    i64.const 0 drop
    i64.const -1 drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x8000000000000000 drop
    i64.const 0x123456789 drop
    i64.const -0x123456789 drop
    i64.const 0x3fffffff drop
    i64.const 0x40000000 drop
    f32.const 0 drop
    f32.const -0 drop
    f32.const inf drop
    f32.const -nan drop
    f32.const nan:0x1 drop
    f32.const 0x1.fffffep127 drop
    f64.const -0 drop
    f64.const nan:0x8000000000001 drop
    f64.const -inf drop
    f64.const 0x1p-1074 drop)
  (func $memory (param i32)
    (drop (i32.load (local.get 0)))
    (drop (i64.load offset=8 align=4 (local.get 0)))
    (drop (f32.load offset=0xffffffff (local.get 0)))
    (drop (f64.load align=1 (local.get 0)))
    (drop (i32.load8_s offset=127 (local.get 0)))
    (drop (i32.load8_u offset=128 (local.get 0)))
    (drop (i32.load16_s (local.get 0)))
    (drop (i32.load16_u align=1 (local.get 0)))
    (drop (i64.load8_s (local.get 0)))
    (drop (i64.load8_u (local.get 0)))
    (drop (i64.load16_s (local.get 0)))
    (drop (i64.load16_u (local.get 0)))
    (drop (i64.load32_s (local.get 0)))
    (drop (i64.load32_u offset=16384 (local.get 0)))
    (i32.store (local.get 0) (i32.const 1))
    (i64.store offset=3 (local.get 0) (i64.const 1))
    (f32.store (local.get 0) (f32.const 1))
    (f64.store (local.get 0) (f64.const 1))
    (i32.store8 (local.get 0) (i32.const 1))
    (i32.store16 (local.get 0) (i32.const 1))
    (i64.store8 (local.get 0) (i64.const 1))
    (i64.store16 (local.get 0) (i64.const 1))
    (i64.store32 (local.get 0) (i64.const 1)))
)
