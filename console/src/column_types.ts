// What kind of value a result column holds, from the type name the server gives it.

const numeric = /^(smallint|integer|int|bigint|int2|int4|int8|real|double|double precision|float|float4|float8|decimal|numeric)\b/i;
const integer = /^(smallint|integer|int|bigint|int2|int4|int8)\b/i;
const time = /^(timestamp|timestamptz|date)\b/i;
const text = /^(text|varchar|character varying|character|char|string|bpchar)\b/i;

export function is_numeric_type(type: string): boolean {
  return numeric.test(type.trim());
}

// Whole-number columns: what COUNT(*) and similar counters produce.
export function is_integer_type(type: string): boolean {
  return integer.test(type.trim());
}

export function is_time_type(type: string): boolean {
  return time.test(type.trim());
}

export function is_text_type(type: string): boolean {
  return text.test(type.trim());
}
