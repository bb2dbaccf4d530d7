/** Python sources under src/sandbox/python are bundled by esbuild as text. */
declare module '*.py' {
  const source: string;
  export default source;
}
