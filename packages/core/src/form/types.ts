/** A value as Bitrix24 sent it: every leaf stays the string PHP encoded. */
export type FormValue = string | FormObject | FormList;
export interface FormObject {
  [key: string]: FormValue;
}
export interface FormList extends Array<FormValue> {}
