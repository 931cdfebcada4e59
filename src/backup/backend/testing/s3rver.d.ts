// s3rver ships no types; the test harness uses its constructor, run() and close() only.
declare module 's3rver';
