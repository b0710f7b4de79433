export * from './suggest-classification';
export * from './find-duplicates';
export * from './low-trust';
