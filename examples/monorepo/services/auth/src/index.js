console.log('auth up');
