// The options of every language switch (desk, admin pages, supervisor's
// page): each language by its own name, marked with its language.

export function LanguageOptions() {
  return (
    <>
      <option value="en" lang="en">
        English
      </option>
      <option value="nb" lang="nb">
        Norsk bokmål
      </option>
    </>
  );
}
