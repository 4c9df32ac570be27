// Express 4 and Koa 2 are installed under aliases next to Express 5 and Koa 3. Their runtime API,
// as far as the suites use it, is the same, so they are typed with the current majors' types.
declare module 'express4' {
  import express from 'express';
  export default express;
}

declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
