console.log('gateway up');
