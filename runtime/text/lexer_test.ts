import assert from "node:assert/strict";
import { keywordId, KW } from "./keywords.ts";
import { lex, Tok } from "./lexer.ts";
import { Op } from "../opcodes.ts";
import { utf8 } from "./_testing.ts";
import { TextError } from "./errors.ts";

function kinds(text: string): number[] {
  const t = lex(utf8(text));
  return Array.from(t.kind.subarray(0, t.count));
}

Deno.test("parentheses are matched and keywords carry their ids", () => {
  const t = lex(utf8("(module (func $f (i32.add)))"));
  assert.equal(t.count, 10);
  assert.equal(t.value[0], 9); // (module … )
  assert.equal(t.value[2], 8); // (func … )
  assert.equal(t.value[5], 7); // (i32.add)
  assert.equal(t.value[1], KW.module);
  assert.equal(t.value[6], Op.i32_add);
  assert.equal(t.kind[4], Tok.id);
});

Deno.test("keyword lookup knows mnemonics and structural words, not obsolete names", () => {
  assert.equal(keywordId("i32.trunc_sat_f64_u"), Op.i32_trunc_sat_f64_u);
  assert.equal(keywordId("select"), Op.select); // the untyped row
  assert.equal(keywordId("nan:canonical"), KW["nan:canonical"]);
  assert.equal(keywordId("get_local"), -1);
  assert.equal(keywordId("anyfunc"), -1);
});

Deno.test("comments: line, nested block, and ;; right after a token", () => {
  assert.deepEqual(kinds("(;a(;b;)c;) nop;;x\n(; ;; ;)nop"), [Tok.atom, Tok.atom]);
  // `;)` ends a block comment even right after `;`.
  assert.deepEqual(kinds("(; ;;) ;)"), [Tok.reserved, Tok.rparen]);
  assert.deepEqual(kinds("(func;;bla\n)"), [Tok.lparen, Tok.atom, Tok.rparen]);
  assert.throws(() => lex(utf8("(; (; ;)")), { message: /^unclosed comment \(at 1:1\)/ });
});

Deno.test("identifiers are interned: equal text, equal symbol", () => {
  const t = lex(utf8("$a $b $a $a$b"));
  assert.equal(t.value[0], t.value[2]);
  assert.notEqual(t.value[0], t.value[1]);
  assert.equal(t.symbols.text(t.value[3]), "$a$b");
  assert.equal(t.symbols.size, 3);
});

Deno.test("many identifiers grow the symbol table", () => {
  const names = Array.from({ length: 2000 }, (_, i) => `$x${i}`);
  const t = lex(utf8(names.join(" ") + " " + names.join(" ")));
  assert.equal(t.symbols.size, 2000);
  for (let i = 0; i < 2000; i++) assert.equal(t.value[i], t.value[i + 2000]);
  assert.equal(t.symbols.text(t.value[1234]), "$x1234");
});

Deno.test("atoms glued to strings are reserved tokens", () => {
  assert.deepEqual(kinds('"a" $l"a" "a""b" 0"a" "a"x'), [
    Tok.string,
    Tok.reserved,
    Tok.reserved,
    Tok.reserved,
    Tok.reserved,
  ]);
  assert.deepEqual(kinds("$ , nop;x"), [
    Tok.atom,
    Tok.reserved,
    Tok.atom,
    Tok.reserved,
    Tok.atom,
  ]);
});

Deno.test("strings: escapes are checked, and flagged for the decoder", () => {
  const t = lex(utf8('"plain" "tab\\t" "\\u{1F600}" "\\ff"'));
  assert.deepEqual(Array.from(t.value.subarray(0, 4)), [0, 1, 1, 1]);
  assert.throws(() => lex(utf8('"\\q"')), { message: /^illegal escape/ });
  assert.throws(() => lex(utf8('"\\u{d800}"')), { message: /^malformed UTF-8 encoding/ });
  assert.throws(() => lex(utf8('"\\u{110000}"')), { message: /^malformed UTF-8 encoding/ });
  assert.throws(() => lex(utf8('"abc')), { message: /^unclosed string/ });
  assert.throws(() => lex(utf8('"a\tb"')), { message: /^illegal control character/ });
});

Deno.test("raw bytes must be UTF-8, in strings and comments alike", () => {
  assert.throws(() => lex(new Uint8Array([0x22, 0xc0, 0x80, 0x22])), TextError);
  assert.throws(() => lex(new Uint8Array([0x3b, 0x3b, 0xff])), {
    message: /^malformed UTF-8 encoding/,
  });
  assert.equal(lex(utf8('"Heiße Würstchen" ;; ☺')).count, 1);
});

Deno.test("unbalanced parentheses are left for the parser", () => {
  const t = lex(utf8("(a (b) ) )"));
  assert.equal(t.value[0], 5);
  assert.equal(t.kind[6], Tok.rparen);
  const open = lex(utf8("(a (b"));
  assert.equal(open.value[0], open.count); // closes at the end
});

Deno.test("errors point at line and column", () => {
  assert.throws(() => lex(utf8('(module\n  (data "\\x"))')), {
    message: "illegal escape (at 2:10)",
  });
});
