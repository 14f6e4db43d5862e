/**
 * A built-in bitmap font, so charts render the same on a machine with no fonts
 * installed. Glyphs are 5 pixels wide on a 9-row cell: capitals and digits use
 * rows 0-6 (a classic 5x7 face), and the last two rows hold descenders (g, j, p,
 * q, y, the comma and the underscore), so lowercase labels read naturally.
 *
 * The sheet below is the font itself, one band per 16 character codes starting
 * at space (0x20); '#' is ink. It is parsed once at load, so the glyphs can be
 * read and edited as pictures rather than as bit masks.
 */
export const GLYPH_WIDTH = 5;
export const GLYPH_ROWS = 9;
/** Height of capitals and digits, which is what text is centred on. */
export const CAP_HEIGHT = 7;
/** Horizontal distance from one character to the next: the glyph and one blank column. */
export const ADVANCE = GLYPH_WIDTH + 1;

const FIRST_CODE = 0x20;
const LAST_CODE = 0x7e;
const PER_BAND = 16;

// prettier-ignore
const SHEET = [
  //       !     "     #     $     %     &     '     (     )     *     +     ,     -     .     /
  '..... ..#.. .#.#. .#.#. ..#.. ##... .##.. ..#.. ...#. .#... ..... ..... ..... ..... ..... .....',
  '..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..... ..... ....#',
  '..... ..#.. .#.#. ##### #.#.. ...#. #.#.. .#... .#... ...#. #.#.# ..#.. ..... ..... ..... ...#.',
  '..... ..#.. ..... .#.#. .###. ..#.. .#... ..... .#... ...#. .###. ##### ..... ##### ..... ..#..',
  '..... ..#.. ..... ##### ..#.# .#... #.#.# ..... .#... ...#. #.#.# ..#.. ..... ..... ..... .#...',
  '..... ..... ..... .#.#. ####. #..## #..#. ..... ..#.. ..#.. ..#.. ..#.. .##.. ..... .##.. #....',
  '..... ..#.. ..... .#.#. ..#.. ...## .##.# ..... ...#. .#... ..... ..... .##.. ..... .##.. .....',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..#.. ..... ..... .....',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .#... ..... ..... .....',
  // 0     1     2     3     4     5     6     7     8     9     :     ;     <     =     >     ?
  '.###. ..#.. .###. ##### ...#. ##### ..##. ##### .###. .###. ..... ..... ...#. ..... .#... .###.',
  '#...# .##.. #...# ...#. ..##. #.... .#... ....# #...# #...# .##.. .##.. ..#.. ..... ..#.. #...#',
  '#..## ..#.. ....# ..#.. .#.#. ####. #.... ...#. #...# #...# .##.. .##.. .#... ##### ...#. ....#',
  '#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#.. .###. .#### ..... ..... #.... ..... ....# ...#.',
  '##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....# .##.. .##.. .#... ##### ...#. ..#..',
  '#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#. .##.. .##.. ..#.. ..... ..#.. .....',
  '.###. .###. ##### .###. ...#. .###. .###. .#... .###. .##.. ..... ..#.. ...#. ..... .#... ..#..',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .#... ..... ..... ..... .....',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....',
  // @     A     B     C     D     E     F     G     H     I     J     K     L     M     N     O
  '.###. .###. ####. .###. ###.. ##### ##### .###. #...# .###. ..### #...# #.... #...# #...# .###.',
  '#...# #...# #...# #...# #..#. #.... #.... #...# #...# ..#.. ...#. #..#. #.... ##.## #...# #...#',
  '....# #...# #...# #.... #...# #.... #.... #.... #...# ..#.. ...#. #.#.. #.... #.#.# ##..# #...#',
  '.##.# ##### ####. #.... #...# ####. ####. #.### ##### ..#.. ...#. ##... #.... #.#.# #.#.# #...#',
  '#.#.# #...# #...# #.... #...# #.... #.... #...# #...# ..#.. ...#. #.#.. #.... #...# #..## #...#',
  '#.#.# #...# #...# #...# #..#. #.... #.... #...# #...# ..#.. #..#. #..#. #.... #...# #...# #...#',
  '.###. #...# ####. .###. ###.. ##### #.... .#### #...# .###. .##.. #...# ##### #...# #...# .###.',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....',
  // P     Q     R     S     T     U     V     W     X     Y     Z     [     \     ]     ^     _
  '####. .###. ####. .#### ##### #...# #...# #...# #...# #...# ##### .###. ..... .###. ..#.. .....',
  '#...# #...# #...# #.... ..#.. #...# #...# #...# #...# #...# ....# .#... #.... ...#. .#.#. .....',
  '#...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. .#.#. ...#. .#... .#... ...#. #...# .....',
  '####. #...# ####. .###. ..#.. #...# #...# #.#.# ..#.. ..#.. ..#.. .#... ..#.. ...#. ..... .....',
  '#.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.# .#.#. ..#.. .#... .#... ...#. ...#. ..... .....',
  '#.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.# #...# ..#.. #.... .#... ....# ...#. ..... .....',
  '#.... .##.# #...# ####. ..#.. .###. ..#.. .#.#. #...# ..#.. ##### .###. ..... .###. ..... .....',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... #####',
  '..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....',
  // `     a     b     c     d     e     f     g     h     i     j     k     l     m     n     o
  '.#... ..... #.... ..... ....# ..... ..##. ..... #.... ..#.. ...#. #.... .##.. ..... ..... .....',
  '..#.. ..... #.... ..... ....# ..... .#..# ..... #.... ..... ..... #.... ..#.. ..... ..... .....',
  '...#. .###. #.##. .###. .##.# .###. .#... .#### #.##. .##.. ..##. #..#. ..#.. ##.#. #.##. .###.',
  '..... ....# ##..# #.... #..## #...# ###.. #...# ##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..# #...#',
  '..... .#### #...# #.... #...# ##### .#... #...# #...# ..#.. ...#. ##... ..#.. #.#.# #...# #...#',
  '..... #...# #...# #...# #...# #.... .#... #...# #...# ..#.. ...#. #.#.. ..#.. #.#.# #...# #...#',
  '..... .#### ####. .###. .#### .###. .#... .#### #...# .###. ...#. #..#. .###. #.#.# #...# .###.',
  '..... ..... ..... ..... ..... ..... ..... ....# ..... ..... #..#. ..... ..... ..... ..... .....',
  '..... ..... ..... ..... ..... ..... ..... .###. ..... ..... .##.. ..... ..... ..... ..... .....',
  // p     q     r     s     t     u     v     w     x     y     z     {     |     }     ~
  '..... ..... ..... ..... .#... ..... ..... ..... ..... ..... ..... ...## ..#.. ##... .....',
  '..... ..... ..... ..... .#... ..... ..... ..... ..... ..... ..... ..#.. ..#.. ..#.. .....',
  '####. .#### #.##. .#### ###.. #...# #...# #...# #...# #...# ##### ..#.. ..#.. ..#.. .#...',
  '#...# #...# ##..# #.... .#... #...# #...# #...# .#.#. #...# ...#. .#... ..#.. ...#. #.#.#',
  '#...# #...# #.... .###. .#... #...# #...# #.#.# ..#.. #...# ..#.. ..#.. ..#.. ..#.. ...#.',
  '#...# #...# #.... ....# .#..# #..## .#.#. #.#.# .#.#. #...# .#... ..#.. ..#.. ..#.. .....',
  '####. .#### #.... ####. ..##. .##.# ..#.. .#.#. #...# .#### ##### ...## ..#.. ##... .....',
  '#.... ....# ..... ..... ..... ..... ..... ..... ..... ....# ..... ..... ..... ..... .....',
  '#.... ....# ..... ..... ..... ..... ..... ..... ..... .###. ..... ..... ..... ..... .....',
];

/** Stands in for characters outside printable ASCII, so a missing glyph is visible rather than silently dropped. */
const MISSING = [0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111, 0, 0];

/** Row masks by character code, GLYPH_ROWS per glyph; bit 4 is the leftmost column. */
const glyphs = parseSheet();

function parseSheet(): Uint8Array {
  const count = LAST_CODE - FIRST_CODE + 1;
  const rows = new Uint8Array(count * GLYPH_ROWS);
  const bands = Math.ceil(count / PER_BAND);
  if (SHEET.length !== bands * GLYPH_ROWS) throw new Error(`font sheet has ${SHEET.length} rows, expected ${bands * GLYPH_ROWS}`);
  for (let code = FIRST_CODE; code <= LAST_CODE; code++) {
    const index = code - FIRST_CODE;
    const band = Math.floor(index / PER_BAND);
    const column = (index % PER_BAND) * (GLYPH_WIDTH + 1);
    for (let r = 0; r < GLYPH_ROWS; r++) {
      const cells = SHEET[band * GLYPH_ROWS + r].slice(column, column + GLYPH_WIDTH);
      if (!/^[.#]{5}$/.test(cells)) throw new Error(`font sheet: bad row ${r} of character code ${code}`);
      let mask = 0;
      for (const cell of cells) mask = (mask << 1) | (cell === '#' ? 1 : 0);
      rows[index * GLYPH_ROWS + r] = mask;
    }
  }
  return rows;
}

/** The row masks of one character: GLYPH_ROWS numbers whose bit 4 is the leftmost column. */
export function glyph(char: string): ArrayLike<number> {
  const code = char.charCodeAt(0);
  if (code < FIRST_CODE || code > LAST_CODE) return MISSING;
  const start = (code - FIRST_CODE) * GLYPH_ROWS;
  return glyphs.subarray(start, start + GLYPH_ROWS);
}

/** Width in pixels of `text` at an integer `scale`, without the blank column after the last character. */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * ADVANCE - 1) * scale;
}

/** Height in pixels of a line of text at `scale`, descenders included. */
export function textHeight(scale = 1): number {
  return GLYPH_ROWS * scale;
}

/** `text`, or as much of it as fits in `maxWidth` pixels followed by "...", or '' when not even that fits. */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  if (textWidth(text, scale) <= maxWidth) return text;
  const chars = [...text];
  for (let keep = chars.length - 1; keep >= 1; keep--) {
    const shortened = chars.slice(0, keep).join('').trimEnd() + '...';
    if (textWidth(shortened, scale) <= maxWidth) return shortened;
  }
  return '';
}
