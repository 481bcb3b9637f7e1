let list: Promise<ReadonlySet<string>> | undefined;

/**
 * The built-in list of refused passwords: the ~49,000 most common passwords from
 * breach corpora, as ranked by zxcvbn-ts (@zxcvbn-ts/language-common), lower-cased.
 * Loaded on first use, then kept.
 */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  list ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())),
  );
  return list;
}
