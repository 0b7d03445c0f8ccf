/** The package ships no types: the two functions ioredis itself uses to route a key to its slot. */
declare module "cluster-key-slot" {
  /** The hash slot (0 to 16383) of a key, by its hash tag when it has one. */
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The slot all these keys share, or -1 when they do not. */
    function generateMulti(keys: readonly (string | Buffer)[]): number;
  }
  export = calculateSlot;
}
