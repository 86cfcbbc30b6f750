/** The stored repositories document as the functions read it: a cheap generation check, then the text. */
export interface CatalogSource {
  /** Names the document in messages (its gs:// URL). */
  url: string;
  /** The generation stored now (metadata only), or undefined when there is no document. */
  generation(): Promise<string | undefined>;
  /** The document with the generation served, or undefined when there is none. */
  read(): Promise<{ text: string; generation: string } | undefined>;
}
