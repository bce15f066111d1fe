export * from './hipaa-secure-vpc';
