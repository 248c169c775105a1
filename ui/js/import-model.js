// Pure helpers of the import page (no DOM, no IPC): the Field list, column letters, the corrected mapping, counts.
/** Every `Field` of the contract, in the order offered in the column selects (null = 不导入 comes first). */
export const FIELDS = ['name', 'id_number', 'sex', 'birth_date', 'phone', 'grid', 'building', 'unit', 'room', 'address',
  'relation', 'head_name', 'political_status', 'care_needs', 'disability_category', 'disability_grade', 'volunteer', 'notes',
  'row_number'];

/** Excel's column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index) {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** The mapping with the corrections applied as the core applies them (a field chosen for one column leaves the others). */
export function appliedColumns(columns, corrections) {
  const out = columns.map((c) => ({ ...c }));
  for (const { index, field } of corrections) {
    if (field) for (const c of out) if (c.field === field) c.field = null;
    const column = out.find((c) => c.index === index);
    if (column) column.field = field;
  }
  return out;
}

/** How many rows cannot be imported (one row may have several problems). */
export const rejectedRowCount = (report) => new Set((report?.rejected ?? []).map((issue) => issue.row)).size;
